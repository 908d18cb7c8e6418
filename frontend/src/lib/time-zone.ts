// The server-rendered pages cannot know the browser's time zone, so the
// app tells them through a cookie; both then write a message's time in the
// same zone (lib/clock.ts). A name that does not look like an IANA zone is
// neither used nor sent: both sides then fall back to UTC.

/** The cookie the server-rendered pages read the zone from. */
export const timeZoneCookie = 'parley_tz';

const zoneName = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9][A-Za-z0-9_+-]*){0,2}$/;

/** The browser's IANA time zone, or UTC when it names none usable. */
export function browserTimeZone(): string {
  let name: string | undefined;
  try {
    name = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    name = undefined;
  }
  return name && name.length <= 64 && name !== 'Local' && zoneName.test(name) ? name : 'UTC';
}

/** Writes the zone cookie when it is missing or names another zone. */
export function rememberTimeZone(zone = browserTimeZone()): void {
  const current = document.cookie.split('; ').find((c) => c.startsWith(`${timeZoneCookie}=`));
  if (current === `${timeZoneCookie}=${zone}`) return;
  const secure = window.location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = `${timeZoneCookie}=${zone}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`;
}
