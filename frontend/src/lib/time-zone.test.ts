import { afterEach, describe, expect, it } from 'vitest';
import { browserTimeZone, rememberTimeZone, timeZoneCookie } from './time-zone';

function clearCookie() {
  document.cookie = `${timeZoneCookie}=; Path=/; Max-Age=0`;
}

describe('time zone cookie', () => {
  afterEach(clearCookie);

  it('OKBrowserZone', () => {
    expect(browserTimeZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
  it('OKWritesCookie', () => {
    rememberTimeZone('America/Argentina/Buenos_Aires');
    expect(document.cookie).toContain(`${timeZoneCookie}=America/Argentina/Buenos_Aires`);
    rememberTimeZone('Etc/GMT+5');
    expect(document.cookie).toContain(`${timeZoneCookie}=Etc/GMT+5`);
    expect(document.cookie).not.toContain('Buenos_Aires');
  });
});
