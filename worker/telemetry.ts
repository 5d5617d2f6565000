/**
 * The worker's logs and metrics. Logs are one JSON object per line through the SDK logger (workflow
 * and activity `log` calls included); metrics are Prometheus, the SDK's own plus orgsync's counters.
 * Neither carries secrets: config holds them as Secret objects that serialise as "[redacted]".
 */
import { DefaultLogger, makeTelemetryFilterString, Runtime, type Logger } from '@temporalio/worker';
import type { Config } from '../config/index.js';

export function installRuntime(telemetry: Config['telemetry']): Logger {
  const logger = new DefaultLogger(telemetry.logLevel, (entry) => {
    const { level, message, meta, timestampNanos } = entry;
    process.stdout.write(
      `${JSON.stringify({ time: new Date(Number(timestampNanos / 1_000_000n)).toISOString(), level, message, ...meta })}\n`,
    );
  });
  Runtime.install({
    logger,
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
      // countersTotalSuffix: counters end in _total, as Prometheus conventions ask (orgsync_items_total).
      ...(telemetry.metricsAddress
        ? { metrics: { prometheus: { bindAddress: telemetry.metricsAddress, countersTotalSuffix: true } } }
        : {}),
    },
  });
  return logger;
}
