import { useEffect, useRef } from "react";
import { Link, NavLink, Outlet, ScrollRestoration, useLocation, useNavigate } from "react-router";
import { useSession, useSignOut } from "../auth/useSession";

/**
 * After a navigation to another page, focus its heading so screen readers announce the new page.
 * Pages often swap their heading when their data arrives (a loading heading, then the course's
 * title), which drops focus to <body>: for a few seconds after the navigation, until the person
 * does something, a lost focus goes to the current heading again.
 */
function useFocusOnRouteChange(main: React.RefObject<HTMLElement | null>) {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const container = main.current;
    if (!container) return;
    const focusHeading = () => {
      const target = container.querySelector<HTMLElement>("h1") ?? container;
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
    };
    focusHeading();
    const observer = new MutationObserver(() => {
      const active = document.activeElement;
      if (!active || active === document.body) focusHeading();
    });
    observer.observe(container, { childList: true, subtree: true });
    const stop = () => {
      observer.disconnect();
      clearTimeout(timer);
      window.removeEventListener("keydown", stop, true);
      window.removeEventListener("pointerdown", stop, true);
    };
    const timer = setTimeout(stop, 5000);
    window.addEventListener("keydown", stop, true);
    window.addEventListener("pointerdown", stop, true);
    return stop;
  }, [pathname, main]);
}

export function Layout() {
  const main = useRef<HTMLElement>(null);
  const { user } = useSession();
  const signOut = useSignOut();
  const navigate = useNavigate();
  useFocusOnRouteChange(main);

  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="site-header">
        <div className="container site-header__inner">
          <Link to="/" className="site-header__name">
            <span aria-hidden="true" className="site-header__logo">
              IoT
            </span>
            Institutes of Technology
          </Link>
          <nav aria-label="Main">
            <ul className="site-nav">
              <li>
                <NavLink to="/search" end>
                  Find a course
                </NavLink>
              </li>
              <li>
                <NavLink to="/institutes">Institutes</NavLink>
              </li>
              {user ? (
                <>
                  <li>
                    <NavLink to="/account">Your account</NavLink>
                  </li>
                  <li>
                    <button
                      type="button"
                      className="link-button"
                      onClick={async () => {
                        await signOut();
                        navigate("/signed-out");
                      }}
                    >
                      Sign out
                    </button>
                  </li>
                </>
              ) : (
                <li>
                  <NavLink to="/sign-in">Sign in</NavLink>
                </li>
              )}
            </ul>
          </nav>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1} className="container main">
        <Outlet />
      </main>
      <footer className="site-footer">
        <div className="container">
          <p>
            Courses from England's Institutes of Technology: colleges, universities and employers
            working together on higher technical education.
          </p>
          <ul className="site-footer__links">
            <li>
              <Link to="/institutes">All institutes</Link>
            </li>
            <li>
              <a href="/docs">API for developers</a>
            </li>
          </ul>
        </div>
      </footer>
      <ScrollRestoration />
    </>
  );
}
