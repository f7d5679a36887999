import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { THRESHOLDS } from '../functions/core/admin/rates.ts';

/** The metrics the delivery and SES-events functions emit (embedded metric format, no dimensions). */
export const METRIC_NAMESPACE = 'Newsletter';
export const DELIVERY_METRICS = ['Sent', 'Skipped', 'Failed', 'Throttled'] as const;
export const EVENT_METRICS = ['Delivered', 'Bounced', 'Complained', 'Rejected', 'Opened', 'Clicked'] as const;

/** The review thresholds of SES (core/admin/rates.ts), where the alarms go off. */
export const BOUNCE_ALARM_RATE = THRESHOLDS.bounce[0].rate;
export const COMPLAINT_ALARM_RATE = THRESHOLDS.complaint[0].rate;

export interface OperationsProps {
  stage: string;
  alarms: ITopic;
}

const count = (metricName: string) =>
  new cloudwatch.Metric({ namespace: METRIC_NAMESPACE, metricName, statistic: 'Sum', period: Duration.minutes(5) });

/** SES's own account reputation (published when the configuration set tracks reputation), as a rate from 0 to 1. */
const reputation = (metricName: 'Reputation.BounceRate' | 'Reputation.ComplaintRate') =>
  new cloudwatch.Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.hours(1) });

/**
 * The CloudWatch dashboard of a send (messages sent, skipped, failed and throttled; what SES's events
 * said; the account's bounce and complaint rates against SES's thresholds) and the alarms on those
 * rates, at SES's review thresholds, to the alarms topic.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  readonly bounceAlarm: cloudwatch.Alarm;
  readonly complaintAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const rateAlarm = (alarmId: string, metric: cloudwatch.Metric, threshold: number, what: string) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: `The account's ${what} rate is at or above ${threshold * 100}%, where SES reviews an account (it may pause sending at twice to five times that)`,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new SnsAction(props.alarms));
      return alarm;
    };
    this.bounceAlarm = rateAlarm('BounceRateAlarm', reputation('Reputation.BounceRate'), BOUNCE_ALARM_RATE, 'bounce');
    this.complaintAlarm = rateAlarm('ComplaintRateAlarm', reputation('Reputation.ComplaintRate'), COMPLAINT_ALARM_RATE, 'complaint');

    const lines = (rates: readonly { who: string; rate: number }[]) => rates.map((t) => ({ value: t.rate, label: `${t.who} ${t.rate * 100}%` }));
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `newsletter-${props.stage}`,
      defaultInterval: Duration.days(7),
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'Messages (delivery worker)', left: DELIVERY_METRICS.map(count), width: 12, stacked: false }),
          new cloudwatch.GraphWidget({ title: 'What SES said (events)', left: EVENT_METRICS.map(count), width: 12 }),
        ],
        [
          new cloudwatch.GraphWidget({ title: 'Bounce rate (account)', left: [reputation('Reputation.BounceRate')], leftAnnotations: lines(THRESHOLDS.bounce), leftYAxis: { min: 0 }, width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Complaint rate (account)', left: [reputation('Reputation.ComplaintRate')], leftAnnotations: lines(THRESHOLDS.complaint), leftYAxis: { min: 0 }, width: 8 }),
          new cloudwatch.AlarmStatusWidget({ title: 'Rate alarms', alarms: [this.bounceAlarm, this.complaintAlarm], width: 8 }),
        ],
      ],
    });
  }
}
