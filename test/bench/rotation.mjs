// Key rotation of 10 000 secrets in a real daemon, and how /api/health answers meanwhile.
// Baselines in the same run: the bare AES-256-GCM decrypt + encrypt of as many values in one
// process (the floor of any rotation), and /api/health latency while the daemon is idle.
import { spawn } from "node:child_process";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { api } from "./http.mjs";

const SECRETS = Number(process.env.BENCH_SECRETS ?? 10_000);
const PROBE_INTERVAL_MS = 10;

/** The floor: decrypt and re-encrypt `count` values with node:crypto, no database, no batching. */
function bareRotationMs(count) {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const sealed = [];
  for (let i = 0; i < count; i++) {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", oldKey, iv);
    sealed.push(Buffer.concat([iv, cipher.update(`secret-value-${i}`), cipher.final(), cipher.getAuthTag()]));
  }
  const start = process.hrtime.bigint();
  for (const value of sealed) {
    const decipher = createDecipheriv("aes-256-gcm", oldKey, value.subarray(0, 12));
    decipher.setAuthTag(value.subarray(value.length - 16));
    const plain = Buffer.concat([decipher.update(value.subarray(12, value.length - 16)), decipher.final()]);
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", newKey, iv);
    Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  }
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Probes /api/health over TCP every few ms until `until` settles; returns the latencies. */
async function probeHealth(tcp, until) {
  const latencies = [];
  let done = false;
  until.finally(() => {
    done = true;
  });
  while (!done) {
    const start = process.hrtime.bigint();
    await api(tcp, "GET", "/api/health");
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
  }
  return latencies;
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

export async function benchRotation({ crudeBin, env, socketPath, rounds, median }) {
  const child = spawn(process.execPath, [crudeBin, "daemon", "run", "--function-port", "0", "--management-port", "0"], {
    env,
    stdio: "ignore",
  });
  const socket = { socketPath };
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      if ((await api(socket, "GET", "/api/health").catch(() => undefined)) !== undefined) break;
      if (Date.now() > deadline) throw new Error("the daemon did not start");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const { managementPort } = await api(socket, "GET", "/api/status");
    const tcp = { host: "127.0.0.1", port: managementPort };
    const created = Date.now();
    for (let i = 0; i < SECRETS; i += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, SECRETS - i) }, (_, j) =>
          api(socket, "POST", "/api/secrets", { name: `S${i + j}`, value: `secret-value-${i + j}`, scopeType: "global" }),
        ),
      );
    }
    process.stderr.write(`created ${SECRETS} secrets in ${((Date.now() - created) / 1000).toFixed(1)} s\n`);

    const perRound = { rotation: [], bare: [], idleP99: [], busyP99: [], busyMax: [] };
    await api(socket, "PUT", "/api/settings", {
      settings: { "encryption.key-rotation.batch-size": "1000", "encryption.key-rotation.batch-sleep-ms": "0" },
    });
    for (let round = 0; round < rounds; round++) {
      const idle = await probeHealth(tcp, new Promise((resolve) => setTimeout(resolve, 1000)));
      perRound.bare.push(bareRotationMs(SECRETS));
      const start = process.hrtime.bigint();
      const rotation = api(socket, "POST", "/api/encryption-keys/rotation");
      const busy = await probeHealth(tcp, rotation);
      const result = await rotation;
      if (result.reencrypted !== SECRETS) throw new Error(`rotation re-encrypted ${result.reencrypted} of ${SECRETS}`);
      perRound.rotation.push(Number(process.hrtime.bigint() - start) / 1e6);
      perRound.idleP99.push(percentile(idle, 99));
      perRound.busyP99.push(percentile(busy, 99));
      perRound.busyMax.push(Math.max(...busy));
      process.stderr.write(`rotation round ${round + 1}/${rounds} done\n`);
    }

    // The defaults pace the rotation on purpose (100 rows, then 100 ms of rest): once, for the record.
    await api(socket, "PUT", "/api/settings", {
      settings: { "encryption.key-rotation.batch-size": "100", "encryption.key-rotation.batch-sleep-ms": "100" },
    });
    const paced = process.hrtime.bigint();
    await api(socket, "POST", "/api/encryption-keys/rotation");
    const pacedMs = Number(process.hrtime.bigint() - paced) / 1e6;

    const ratios = perRound.rotation.map((value, round) => value / perRound.bare[round]);
    console.log(
      `\nkey rotation of ${SECRETS} secrets (batch-size 1000, batch-sleep-ms 0) vs bare AES-GCM decrypt+encrypt of as many values`,
    );
    console.log(`  crude ${median(perRound.rotation).toFixed(0)} ms, bare ${median(perRound.bare).toFixed(0)} ms`);
    console.log(`  ratio ${median(ratios).toFixed(2)}x (rounds: ${ratios.map((r) => r.toFixed(2)).join(" ")})`);
    console.log(`  with the default pacing (batch-size 100, batch-sleep-ms 100): ${(pacedMs / 1000).toFixed(1)} s`);
    console.log("\n/api/health over TCP while that rotation runs vs while idle");
    console.log(
      `  p99 ${median(perRound.busyP99).toFixed(1)} ms busy, ${median(perRound.idleP99).toFixed(1)} ms idle; worst ${median(perRound.busyMax).toFixed(1)} ms (per round: ${perRound.busyMax.map((v) => v.toFixed(1)).join(" ")})`,
    );
  } finally {
    child.kill("SIGTERM");
  }
}
