import { hash } from "@node-rs/argon2";
const t0 = Date.now();
for (let i = 0; i < 10; i++) await hash("correct horse battery", { algorithm: 2 });
console.log((Date.now() - t0) / 10, "ms per hash");
