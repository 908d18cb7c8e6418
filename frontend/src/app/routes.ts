import { lazyWithReload } from './lazy-with-reload';

// Each screen is its own chunk: a signed-out visitor downloads no chat code,
// a signed-in one no sign-up form.

/** Sign in and sign up. */
export const AuthScreen = lazyWithReload(() => import('../features/auth/components/auth-screen'));
/** Everything behind the session. */
export const SignedIn = lazyWithReload(() => import('./signed-in'));
/** A room's messages and composer (the virtualizer lives here). */
export const RoomView = lazyWithReload(() => import('../features/chat/components/room-view'));
/** The public directory. */
export const BrowseRooms = lazyWithReload(() => import('../features/rooms/components/browse-rooms'));
/** Search results. */
export const SearchPage = lazyWithReload(() => import('../features/search/components/search-page'));
/** The cluster dashboard for admins (charts and their library stay out of every other screen). */
export const AdminDashboard = lazyWithReload(() => import('../features/admin/components/admin-dashboard'));
