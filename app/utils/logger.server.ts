import { pino } from "pino";
import { getEnv } from "./env.server";

let logger: pino.Logger | undefined;

export function getLogger(): pino.Logger {
  if (!logger) {
    const env = getEnv();
    logger = pino({ level: env.NODE_ENV === "test" && !process.env.LOG_LEVEL ? "silent" : env.LOG_LEVEL, base: { service: process.env.SODAM_SERVICE ?? "sodam" } });
  }
  return logger;
}
