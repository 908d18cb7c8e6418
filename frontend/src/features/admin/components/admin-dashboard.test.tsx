import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createQueryClient } from '../../../lib/query-client';
import { pollIntervalMs } from '../api/cluster';
import AdminDashboard from './admin-dashboard';

// jsdom has no matchMedia, which uPlot calls when its module loads (to
// follow the screen's pixel ratio); hoisted so it exists before the import.
vi.hoisted(() => {
  if (typeof window.matchMedia !== 'function') {
    const matchMedia = (media: string) => ({ matches: false, media, addEventListener() {}, removeEventListener() {} });
    Object.assign(window, { matchMedia });
  }
});

// The server is not here: fetch answers as the contract says it does for
// anyone who is not an admin.
function notFound(): Response {
  return new Response(JSON.stringify({ error: { code: 'not_found', message: 'Not found.' } }), {
    status: 404,
    headers: { 'Content-Type': 'application/json' },
  });
}

describe('admin dashboard', () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('OKNotFoundStopsPolling', async () => {
    const fetchMock = vi.fn(() => Promise.resolve(notFound()));
    vi.stubGlobal('fetch', fetchMock);
    render(
      <QueryClientProvider client={createQueryClient()}>
        <AdminDashboard />
      </QueryClientProvider>,
    );
    expect(await screen.findByRole('heading', { name: 'Not found' })).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
    await vi.advanceTimersByTimeAsync(pollIntervalMs * 5);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock.mock.calls[0]).toEqual(['/api/v1/admin/cluster', expect.anything()]);
  });
});
