import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMESPACE } from '../core/sending/metrics.ts';
import type { MetricsSink } from '../core/sending/ports.ts';

/**
 * CloudWatch metrics in the embedded metric format: one JSON line on standard output per publication,
 * which CloudWatch Logs turns into metrics in METRIC_NAMESPACE, without dimensions. Powertools for AWS
 * Lambda writes the line (15 KB minified, a few ms to import); its default `service` dimension is
 * cleared, so the dashboard and alarms read each metric by its name alone.
 */
export function emfMetrics<Name extends string>(): MetricsSink<Name> {
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE });
  metrics.clearDefaultDimensions();
  return {
    publish(values) {
      const entries = Object.entries(values).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
      if (entries.length === 0) return;
      for (const [name, value] of entries) metrics.addMetric(name, MetricUnit.Count, value);
      metrics.publishStoredMetrics();
    },
  };
}
