import type { Redis } from 'ioredis';
import type { Clock } from './clock';
import type { Config } from './config';
import type { Logger } from './logger';
import type { Queues } from './platform/jobs/queues';

/** What services need from the outside world; built once per process, passed explicitly. */
export interface Context {
  config: Config;
  clock: Clock;
  logger: Logger;
  queues: Queues;
  redis: Redis;
}
