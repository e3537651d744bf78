import { createUser } from '../../api/auth/service';
import type { Role } from '../../domain/access';
import type { Db } from '../../lib/db';

export const PASSWORD = 'a long test password';

/** Creates a user straight in the database (as the system) and signs them in over HTTP; returns bearer headers. */
export async function userWithToken(
  db: Db,
  apiUrl: string,
  user: { username: string; agencyCode: string; roles: Role[]; displayName?: string; employerUscc?: string },
): Promise<{ id: string; headers: Record<string, string> }> {
  const { id } = await createUser(
    db,
    { id: null, username: 'test-setup' },
    { displayName: user.displayName ?? user.username, password: PASSWORD, ...user },
  );
  const res = await fetch(`${apiUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user.username, password: PASSWORD, mode: 'bearer' }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${user.username} failed: ${res.status}`);
  const { token } = (await res.json()) as { token: string };
  return { id, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } };
}

/** The online service platform's service account (role online_channel), signed in with a bearer token. */
export function onlineChannel(db: Db, apiUrl: string, username = 'online-platform') {
  return userWithToken(db, apiUrl, { username, agencyCode: '210000', roles: ['online_channel'] });
}
