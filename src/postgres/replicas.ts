/**
 * Everything replicas on a shared database need, in one module that the entry point loads
 * only when DATABASE_URL is set: a single bot never loads the PostgreSQL driver.
 */
export { openSharedDatabase } from './database.js';
export { PostgresDeliveryStore } from './postgres-delivery-store.js';
export { PostgresSendSlots } from './postgres-send-slots.js';
export { ReplicaLink } from './replica-link.js';
export { restoreKnowledgeFiles, SharedKnowledge } from './shared-knowledge.js';
