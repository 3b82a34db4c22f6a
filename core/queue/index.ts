export { QUEUE_NAME, parseQueueUrl, checkReachable, redisOptions, type QueueConnection } from './connection.js';
export { JobKinds } from './job-kinds.js';
export { fileRef, modelFolderRef, verifyFileRef, verifyModelFolderRef, type FileRef } from './file-ref.js';
export { PayloadReader } from './payload.js';
export { QueueJobError, toQueueError, fromFailedReason } from './failure.js';
export { startQueueWorker, type QueueWorker, type QueueWorkerEvent, type QueueWorkerOptions } from './worker.js';
export { runJobs, settleJobs, requeuedNotice, type JobSpec, type JobOutcome, type RunJobsOptions, type SettleJobsOptions } from './submit.js';
export { LastLoaded } from './last-loaded.js';
export { alignedPieces, yieldToEventLoop } from './pieces.js';
