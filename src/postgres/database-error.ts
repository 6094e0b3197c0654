/**
 * A database that cannot be reached or used, with a message naming the cause. In a module of
 * its own so that the entry point can recognise it without loading the PostgreSQL driver, which
 * a bot without DATABASE_URL never needs.
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
}
