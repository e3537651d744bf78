import { defineConfig } from 'prisma/config';

// Prisma 7 reads the connection from here, not from the schema files. Only the CLI uses it (`prisma migrate deploy`
// where Prisma's schema engine can be had); the application builds its own adapter from config/env.ts.
export default defineConfig({
  schema: 'prisma/schema',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/postgres' },
});
