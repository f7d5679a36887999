import { afterEach, describe, expect, it, vi } from 'vitest';
import { emfMetrics } from '../../functions/adapters/emf-metrics.ts';
import { METRIC_NAMESPACE, SEND_METRICS, type SendMetric } from '../../functions/core/sending/metrics.ts';

afterEach(() => vi.restoreAllMocks());

/** Every line written to standard output while `run` runs, parsed. */
function linesOf(run: () => void): Record<string, any>[] {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  run();
  vi.restoreAllMocks();
  return lines.map((line) => JSON.parse(line));
}

describe('CloudWatch metrics in the embedded metric format', () => {
  it('writes one line per publication, in the Newsletter namespace, without dimensions', () => {
    const metrics = emfMetrics<SendMetric>();
    const [line, ...rest] = linesOf(() => metrics.publish({ Sent: 48, Skipped: 1, Failed: 1, Throttled: 3 }));
    expect(rest).toEqual([]);
    const [directive] = line!._aws.CloudWatchMetrics;
    expect(directive.Namespace).toBe(METRIC_NAMESPACE);
    // No dimension set, or only the empty one: each metric is read by its name alone.
    expect(directive.Dimensions.flat()).toEqual([]);
    expect(directive.Metrics.map((m: { Name: string }) => m.Name).sort()).toEqual([...SEND_METRICS].sort());
    expect(directive.Metrics.every((m: { Unit: string }) => m.Unit === 'Count')).toBe(true);
    expect(line).toMatchObject({ Sent: 48, Skipped: 1, Failed: 1, Throttled: 3 });
    expect(line).not.toHaveProperty('service');
    expect(typeof line!._aws.Timestamp).toBe('number');
  });

  it('writes nothing when there is nothing to publish, and a second publication on a line of its own', () => {
    const metrics = emfMetrics<SendMetric>();
    expect(linesOf(() => metrics.publish({}))).toEqual([]);
    const lines = linesOf(() => {
      metrics.publish({ Sent: 1 });
      metrics.publish({ Failed: 2 });
    });
    expect(lines.map((l) => [l.Sent, l.Failed])).toEqual([[1, undefined], [undefined, 2]]);
  });
});
