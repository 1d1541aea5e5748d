import { Hono } from "hono";
import type { EncryptionRotateBody } from "../../src/api-types.js";
import { HttpError } from "../http/errors.js";
import { type KeyRotation, RotationInProgressError } from "./rotation.js";

export function encryptionRoutes(rotation: KeyRotation) {
  const app = new Hono();

  app.get("/rotation", (c) => c.json(rotation.status()));

  // Synchronous, as in the reference: the answer comes when every value uses the new key.
  app.post("/rotation", async (c) => {
    try {
      const result = await rotation.rotate();
      return c.json({ success: true, message: "Key rotation completed successfully", ...result } satisfies EncryptionRotateBody);
    } catch (error) {
      if (error instanceof RotationInProgressError) throw new HttpError(409, error.message);
      throw new HttpError(500, "Key rotation failed", { details: (error as Error).message });
    }
  });

  return app;
}
