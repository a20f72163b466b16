/** @type {import('@remix-run/dev').AppConfig} */
export default {
  serverModuleFormat: "esm",
  serverPlatform: "node",
  serverBuildPath: "build/server/index.js",
  assetsBuildDirectory: "public/build",
  publicPath: "/build/",
  ignoredRouteFiles: ["**/.*", "**/*.test.*"],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    // Off: route discovery keeps its state in sessionStorage, which browsers deny to a third-party frame (the tip
    // widget), so every route is listed up front instead.
    v3_lazyRouteDiscovery: false,
    v3_singleFetch: true,
  },
};
