import Bull from 'bull';
import type { Logger } from 'pino';
import type { WorkKick, WorkQueue } from './queue.js';

const QUEUE_NAME = 'plugboard-work';

export class BullQueue implements WorkQueue {
  readonly durable = true;
  private readonly queue: Bull.Queue<WorkKick>;

  constructor(
    redisUrl: string,
    prefix: string,
    private readonly logger: Logger,
  ) {
    this.queue = new Bull<WorkKick>(QUEUE_NAME, redisUrl, {
      prefix,
      defaultJobOptions: {
        removeOnComplete: true,
        removeOnFail: 100,
        attempts: 3,
        backoff: { type: 'exponential', delay: 500 },
      },
    });
    this.queue.on('error', (error) =>
      this.logger.error({ err: error.message }, 'bull queue error'),
    );
  }

  async kick(kicks: WorkKick[], delayMs = 0): Promise<void> {
    if (kicks.length === 0) return;
    await this.queue.addBulk(
      kicks.map((data) => ({ name: 'work', data, opts: delayMs > 0 ? { delay: delayMs } : {} })),
    );
  }

  consume(concurrency: number, handler: (kick: WorkKick) => Promise<void>): void {
    void this.queue.process('work', concurrency, async (job) => {
      await handler(job.data);
    });
  }

  async depth(): Promise<number> {
    const counts = await this.queue.getJobCounts();
    return counts.waiting + counts.delayed;
  }

  async ping(): Promise<{ ok: boolean; error?: string }> {
    try {
      const queue = await this.queue.isReady();
      await queue.client.ping();
      return { ok: true };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
