import type { ComponentType } from "react";
import { createBrowserRouter, type RouteObject } from "react-router";
import { Layout } from "./components/Layout";
import { RouteError } from "./components/RouteError";
import Home from "./routes/Home";

// The home page is in the first bundle; every other page loads when it is first visited.
const page = (load: () => Promise<{ default: ComponentType }>) => async () => ({
  Component: (await load()).default,
});

export const routes: RouteObject[] = [
  {
    path: "/",
    Component: Layout,
    ErrorBoundary: RouteError,
    HydrateFallback: () => null,
    children: [
      { index: true, Component: Home },
      { path: "search", lazy: page(() => import("./routes/Search")) },
      { path: "courses/:courseId", lazy: page(() => import("./routes/Course")) },
      { path: "courses/:courseId/apply/:intakeId", lazy: page(() => import("./routes/Apply")) },
      {
        path: "courses/:courseId/bursaries/:schemeId",
        lazy: page(() => import("./routes/BursaryCheck")),
      },
      { path: "institutes", lazy: page(() => import("./routes/Institutes")) },
      { path: "institutes/:instituteId", lazy: page(() => import("./routes/Institute")) },
      { path: "register", lazy: page(() => import("./routes/Register")) },
      { path: "sign-in", lazy: page(() => import("./routes/SignIn")) },
      { path: "signed-out", lazy: page(() => import("./routes/SignedOut")) },
      { path: "account", lazy: page(() => import("./routes/Account")) },
      { path: "account/applications", lazy: page(() => import("./routes/MyApplications")) },
      {
        path: "account/applications/:applicationId",
        lazy: page(() => import("./routes/ApplicationDetail")),
      },
      {
        path: "account/applications/:applicationId/bursaries/:schemeId",
        lazy: page(() => import("./routes/BursaryApply")),
      },
      { path: "*", lazy: page(() => import("./routes/NotFound")) },
    ],
  },
];

export const createRouter = () => createBrowserRouter(routes);
