import { Inject, Injectable } from '@nestjs/common';
import { standardWebhooksSignature } from '@plugboard/engine';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { RUNTIME_CONFIG } from '../config/config.js';
import type { RuntimeConfig } from '../config/config.js';

/**
 * Posts alert state changes to PLUGBOARD_ALERT_WEBHOOK_URL, signed the Standard Webhooks way
 * (webhook-id, webhook-timestamp, webhook-signature), so a receiver verifies them with any
 * Standard Webhooks library and drops replays by webhook-id.
 */
@Injectable()
export class AlertNotifier {
  constructor(
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return !!this.config.alertWebhookUrl;
  }

  async notify(
    alert: { id: string; rule: string; state: string } & Record<string, unknown>,
  ): Promise<void> {
    const url = this.config.alertWebhookUrl;
    if (!url) return;
    const id = `${alert.id}.${alert.state}`;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const body = JSON.stringify({
      type: `alert.${alert.state}`,
      timestamp: new Date().toISOString(),
      data: alert,
    });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Plugboard-Alerts/0.1',
      'webhook-id': id,
      'webhook-timestamp': timestamp,
    };
    if (this.config.alertWebhookSecret)
      headers['webhook-signature'] = standardWebhooksSignature(
        this.config.alertWebhookSecret,
        id,
        timestamp,
        body,
      );
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok)
        this.logger.warn(
          { status: response.status, alertId: alert.id, rule: alert.rule },
          'alert webhook refused',
        );
    } catch (error) {
      this.logger.warn(
        {
          err: error instanceof Error ? error.message : String(error),
          alertId: alert.id,
          rule: alert.rule,
        },
        'alert webhook unreachable',
      );
    }
  }
}
