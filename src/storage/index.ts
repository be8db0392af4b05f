// ferry/storage: the revisioned key-value store the apiserver keeps its objects in (see types.ts for
// the contract), its embedded SQLite implementation, and encryption at rest as a wrapper.
export * from './types.ts';
export { openSqliteStore, SqliteStore } from './sqlite-store.ts';
export type { SqliteStoreOptions } from './sqlite-store.ts';
export { encryptValues, loadOrCreateKey } from './encryption.ts';
export type { EncryptionOptions } from './encryption.ts';
export { DEFAULT_COMPACTION_INTERVAL_MS, startCompactor } from './compactor.ts';
export type { Compactor } from './compactor.ts';
