// An independent Matrix peer for Cercle's interop tests: matrix-js-sdk with its Rust crypto
// (what Element uses), headless under Node, driven over JSON lines.
//
//   stdin:  {"id": 1, "cmd": "login", "args": {...}}          one command per line
//   stdout: {"id": 1, "ok": true, "result": {...}}            one reply per command, same id
//           {"id": 1, "ok": false, "error": "...", "details": {...}}
//           {"event": "invite", ...}                          unsolicited, any time
//
// Commands run concurrently (a waitFor... may be pending while others run); replies come in
// completion order. Nothing but protocol lines goes to stdout: every log goes to stderr. The
// process ends on `stop` or when stdin closes.
//
// Adding a command: one async function in COMMANDS below, taking the args object and returning
// a JSON-serialisable result (throw PeerError(message, details) for a clean failure).

// -- Node 20: matrix-js-sdk 43 asks for Node >= 22; this is the one thing it misses. ---------------
if (typeof Promise.withResolvers !== "function") {
    Promise.withResolvers = function withResolvers() {
        let resolve;
        let reject;
        const promise = new this((res, rej) => {
            resolve = res;
            reject = rej;
        });
        return { promise, resolve, reject };
    };
}

// -- stdout carries the protocol only: logs of the SDK, the WASM crypto and ours go to stderr. ----
const protocolOut = process.stdout;
for (const level of ["log", "info", "debug", "warn", "error", "trace"]) {
    console[level] = (...parts) => {
        const text = parts
            .map((p) => (typeof p === "string" ? p : p instanceof Error ? p.stack : safeInspect(p)))
            .join(" ");
        process.stderr.write(`[${new Date().toISOString()}] ${level} ${text}\n`);
    };
}
function safeInspect(value) {
    try {
        return JSON.stringify(value);
    } catch {
        return String(value);
    }
}

await import("fake-indexeddb/auto"); // the SDK's stores expect IndexedDB; in memory here
const sdk = await import("matrix-js-sdk");
const cryptoApi = await import("matrix-js-sdk/lib/crypto-api/index.js");
const { logger } = await import("matrix-js-sdk/lib/logger.js");
const readline = await import("node:readline");
const { createRequire } = await import("node:module");
const SDK_VERSION = createRequire(import.meta.url)("matrix-js-sdk/package.json").version;

logger.setLevel(process.env.PEER_LOG_LEVEL || "info");

const MEGOLM = "m.megolm.v1.aes-sha2";
const DEFAULT_TIMEOUT_MS = 10_000;
// Decryption failures that a later to-device message can still repair (the key is on its way).
const KEY_MAY_COME = new Set(["MEGOLM_UNKNOWN_INBOUND_SESSION_ID", "OLM_UNKNOWN_MESSAGE_INDEX"]);

class PeerError extends Error {
    constructor(message, details = undefined) {
        super(message);
        this.details = details;
    }
}

// -- state of the one client this process drives ----------------------------------------------
const state = {
    client: null,
    crypto: null,
    userId: null,
    password: null,
    encryptedRooms: new Set(), // rooms we created encrypted: never send in clear there
    invites: [], // {roomId, inviter}, in arrival order; waitForInvite consumes them
    waiters: new Set(), // {check: () => result|undefined, resolve}
    verifications: new Map(), // our handle "vN" -> {request, verifier, sas, sasCallbacks}
};

function emit(event, data = {}) {
    write({ event, ...data });
}

function write(obj) {
    protocolOut.write(`${JSON.stringify(obj)}\n`);
}

function needClient() {
    if (!state.client) throw new PeerError("not logged in: send `login` first");
    return state.client;
}

/** Resolves with check()'s first non-undefined value, re-checked on every client change. */
function waitFor(what, check, timeoutMs = DEFAULT_TIMEOUT_MS, onTimeout = () => undefined) {
    return new Promise((resolve, reject) => {
        const waiter = { check, resolve, reject, busy: false };
        const timer = setTimeout(() => {
            state.waiters.delete(waiter);
            reject(new PeerError(`timed out after ${timeoutMs} ms waiting for ${what}`, onTimeout()));
        }, timeoutMs);
        waiter.resolve = (value) => {
            clearTimeout(timer);
            state.waiters.delete(waiter);
            resolve(value);
        };
        waiter.reject = (error) => {
            clearTimeout(timer);
            state.waiters.delete(waiter);
            reject(error);
        };
        state.waiters.add(waiter);
        poke(waiter);
    });
}

/** Re-runs the waiters' checks (they may be async); called on any timeline or crypto change. */
function poke(only = undefined) {
    for (const waiter of only ? [only] : [...state.waiters]) {
        if (waiter.busy) {
            waiter.again = true;
            continue;
        }
        waiter.busy = true;
        Promise.resolve()
            .then(() => waiter.check())
            .then(
                (value) => {
                    waiter.busy = false;
                    if (value !== undefined) waiter.resolve(value);
                    else if (waiter.again) {
                        waiter.again = false;
                        poke(waiter);
                    }
                },
                (error) => {
                    waiter.busy = false;
                    waiter.reject(error);
                },
            );
    }
}

// -- what the tests learn about an event ---------------------------------------------------------
async function describeEvent(event) {
    const info = {
        eventId: event.getId(),
        roomId: event.getRoomId(),
        sender: event.getSender(),
        type: event.getType(),
        body: event.getContent()?.body ?? null,
        encrypted: event.isEncrypted(),
        decryptionFailureReason: event.isDecryptionFailure() ? event.decryptionFailureReason : null,
        shieldColour: null,
        shieldReason: null,
    };
    if (event.isEncrypted() && !event.isDecryptionFailure() && state.crypto) {
        const enc = await state.crypto.getEncryptionInfoForEvent(event);
        if (enc) {
            info.shieldColour = cryptoApi.EventShieldColour[enc.shieldColour];
            info.shieldReason =
                enc.shieldReason === null ? null : cryptoApi.EventShieldReason[enc.shieldReason];
        }
    }
    return info;
}

function liveEvents(roomId) {
    const room = state.client?.getRoom(roomId);
    return room ? room.getLiveTimeline().getEvents() : [];
}

function settled(event) {
    return !(event.isBeingDecrypted() || event.shouldAttemptDecryption());
}

async function undecryptableIn(roomId) {
    const found = [];
    for (const event of liveEvents(roomId)) {
        if (event.isDecryptionFailure()) found.push(await describeEvent(event));
    }
    return found;
}

// -- the commands --------------------------------------------------------------------------------
const COMMANDS = {
    /** Logs in a new device, starts syncing and the Rust crypto (in memory, no IndexedDB). */
    async login({ homeserver, user, password, deviceName = "js-peer" }) {
        if (state.client) throw new PeerError("already logged in");
        const t0 = performance.now();
        const anonymous = sdk.createClient({ baseUrl: homeserver });
        const session = await anonymous.loginRequest({
            type: "m.login.password",
            identifier: { type: "m.id.user", user },
            password,
            initial_device_display_name: deviceName,
        });
        const t1 = performance.now();
        const client = sdk.createClient({
            baseUrl: homeserver,
            userId: session.user_id,
            deviceId: session.device_id,
            accessToken: session.access_token,
        });
        await client.initRustCrypto({ useIndexedDB: false });
        const t2 = performance.now();
        state.client = client;
        state.crypto = client.getCrypto();
        state.userId = session.user_id;
        state.password = password;
        // Element's default: share with every device, but refuse to send if a verified user
        // has problems (an unverified device, an identity change).
        state.crypto.setDeviceIsolationMode(new cryptoApi.AllDevicesIsolationMode(true));
        listen(client);
        const synced = new Promise((resolve, reject) => {
            client.on(sdk.ClientEvent.Sync, function onSync(syncState, _prev, data) {
                if (syncState === sdk.SyncState.Prepared || syncState === sdk.SyncState.Syncing) {
                    client.off(sdk.ClientEvent.Sync, onSync);
                    resolve();
                } else if (syncState === sdk.SyncState.Error && !data?.error?.httpStatus) {
                    client.off(sdk.ClientEvent.Sync, onSync);
                    reject(new PeerError(`first sync failed: ${data?.error}`));
                }
            });
        });
        await client.startClient({ initialSyncLimit: 20 });
        await synced;
        const t3 = performance.now();
        return {
            userId: session.user_id,
            deviceId: session.device_id,
            timingsMs: {
                login: Math.round(t1 - t0),
                cryptoInit: Math.round(t2 - t1),
                firstSync: Math.round(t3 - t2),
            },
        };
    },

    /** Creates a room; `encrypted` puts m.room.encryption in its initial state. */
    async createRoom({ name, invite = [], encrypted = true }) {
        const client = needClient();
        const initial_state = encrypted
            ? [{ type: "m.room.encryption", state_key: "", content: { algorithm: MEGOLM } }]
            : [];
        const { room_id: roomId } = await client.createRoom({
            name,
            invite,
            preset: sdk.Preset.PrivateChat,
            initial_state,
        });
        if (encrypted) state.encryptedRooms.add(roomId);
        return { roomId };
    },

    async join({ roomId }) {
        const room = await needClient().joinRoom(roomId);
        return { roomId: room.roomId };
    },

    /** The oldest invite not yet returned (optionally to `roomId`), waiting for one if none. */
    async waitForInvite({ roomId = null, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
        needClient();
        return waitFor(
            `an invite${roomId ? ` to ${roomId}` : ""}`,
            () => {
                const i = state.invites.findIndex((inv) => !roomId || inv.roomId === roomId);
                return i < 0 ? undefined : state.invites.splice(i, 1)[0];
            },
            timeoutMs,
        );
    },

    /** Waits until `userId`'s membership in `roomId` is `membership` (as this client sees it). */
    async waitForMember({ roomId, userId, membership = "join", timeoutMs = DEFAULT_TIMEOUT_MS }) {
        const client = needClient();
        return waitFor(
            `${userId} to ${membership} ${roomId}`,
            () => {
                const member = client.getRoom(roomId)?.getMember(userId);
                return member?.membership === membership ? { roomId, userId, membership } : undefined;
            },
            timeoutMs,
        );
    },

    /** Sends an m.text; in a room that is (or that we made) encrypted, only once the crypto
     * knows it is: js-sdk would otherwise send the first message in clear. */
    async send({ roomId, body, timeoutMs = DEFAULT_TIMEOUT_MS }) {
        const client = needClient();
        const t0 = performance.now();
        const room = await waitFor(
            `room ${roomId} to be known`,
            () => client.getRoom(roomId) ?? undefined,
            timeoutMs,
        );
        if (state.encryptedRooms.has(roomId) || room.hasEncryptionStateEvent()) {
            await waitFor(
                `encryption to be enabled in ${roomId}`,
                async () => ((await state.crypto.isEncryptionEnabledInRoom(roomId)) ? true : undefined),
                timeoutMs,
            );
        }
        const { event_id: eventId } = await client.sendMessage(roomId, { msgtype: "m.text", body });
        return {
            eventId,
            encrypted: await state.crypto.isEncryptionEnabledInRoom(roomId),
            elapsedMs: Math.round(performance.now() - t0),
        };
    },

    /** Waits for a message with `body` in `roomId` (decrypted when it was encrypted); returns it
     * with what the crypto says of it (shield colour and reason). With `acceptFailure` (needs
     * `sender`), an event from `sender` that cannot be decrypted is returned instead, with its
     * decryptionFailureReason: at once when the reason is final, after `graceMs` when the key
     * may still come. On timeout, the error's details list the room's undecryptable events. */
    async waitForMessage({
        roomId,
        body,
        sender = null,
        acceptFailure = false,
        graceMs = 2_000,
        timeoutMs = DEFAULT_TIMEOUT_MS,
    }) {
        needClient();
        if (acceptFailure && !sender) throw new PeerError("acceptFailure needs a sender");
        const t0 = performance.now();
        const failingSince = new Map();
        const rechecks = new Set();
        let last = [];
        const found = await waitFor(
            `${JSON.stringify(body)} in ${roomId}`,
            async () => {
                const events = liveEvents(roomId);
                last = events;
                for (const event of events) {
                    if (!settled(event) || event.getType() !== "m.room.message") continue;
                    if (sender && event.getSender() !== sender) continue;
                    if (event.getContent()?.body === body) return describeEvent(event);
                }
                if (!acceptFailure) return undefined;
                for (const event of events) {
                    if (event.getSender() !== sender || !event.isDecryptionFailure()) continue;
                    if (!KEY_MAY_COME.has(event.decryptionFailureReason)) return describeEvent(event);
                    const since = failingSince.get(event.getId()) ?? performance.now();
                    failingSince.set(event.getId(), since);
                    const left = graceMs - (performance.now() - since);
                    if (left <= 0) return describeEvent(event);
                    if (!rechecks.has(event.getId())) {
                        rechecks.add(event.getId());
                        setTimeout(() => poke(), left + 5);
                    }
                }
                return undefined;
            },
            timeoutMs,
            () => ({
                undecryptable: last
                    .filter((e) => e.isDecryptionFailure())
                    .map((e) => ({
                        eventId: e.getId(),
                        sender: e.getSender(),
                        decryptionFailureReason: e.decryptionFailureReason,
                    })),
            }),
        );
        return { ...found, waitedMs: Math.round(performance.now() - t0) };
    },

    /** The room's live timeline as this client sees it (decrypted, or why not). */
    async timeline({ roomId, limit = 50 }) {
        needClient();
        const events = liveEvents(roomId).slice(-limit);
        return { events: await Promise.all(events.map(describeEvent)) };
    },

    /** "all": Element's default (legacy) mode; "onlySigned": Element's "exclude insecure
     * devices" — keys only to cross-signed devices, messages only from them. */
    async setDeviceIsolation({ mode }) {
        needClient();
        if (mode === "all") {
            state.crypto.setDeviceIsolationMode(new cryptoApi.AllDevicesIsolationMode(true));
        } else if (mode === "onlySigned") {
            state.crypto.setDeviceIsolationMode(new cryptoApi.OnlySignedDevicesIsolationMode());
        } else {
            throw new PeerError(`unknown isolation mode ${JSON.stringify(mode)}`);
        }
        return { mode };
    },

    async userVerificationStatus({ userId, download = true }) {
        needClient();
        if (download) await state.crypto.getUserDeviceInfo([userId], true); // make sure it is known
        const s = await state.crypto.getUserVerificationStatus(userId);
        return {
            userId,
            known: s.known,
            isVerified: s.isVerified(),
            isCrossSigningVerified: s.isCrossSigningVerified(),
            wasCrossSigningVerified: s.wasCrossSigningVerified(),
            needsUserApproval: s.needsUserApproval,
        };
    },

    /** Waits until this client sees `userId` as cross-signing verified (or, with
     * `verified: false`, as not verified): trust settles a moment after a SAS ends (the
     * signature upload and the key query that follow it). */
    async waitForUserTrust({ userId, verified = true, timeoutMs = DEFAULT_TIMEOUT_MS }) {
        needClient();
        return waitFor(
            `${userId} to be ${verified ? "" : "not "}verified`,
            async () => {
                const status = await COMMANDS.userVerificationStatus({ userId, download: false });
                return status.isCrossSigningVerified === verified ? status : undefined;
            },
            timeoutMs,
        );
    },

    /** `userId`'s devices as this client sees them, each with its verification status. */
    async devices({ userId }) {
        needClient();
        const map = await state.crypto.getUserDeviceInfo([userId], true);
        const devices = [];
        for (const device of map.get(userId)?.values() ?? []) {
            const s = await state.crypto.getDeviceVerificationStatus(userId, device.deviceId);
            devices.push({
                deviceId: device.deviceId,
                displayName: device.displayName ?? null,
                ed25519: device.getFingerprint() ?? null,
                signedByOwner: s?.signedByOwner ?? false,
                crossSigningVerified: s?.crossSigningVerified ?? false,
                locallyVerified: s?.localVerified ?? false,
                isVerified: s?.isVerified() ?? false,
            });
        }
        return { userId, devices };
    },

    /** Sets up cross-signing for this account, as Element does at first login (user-interactive
     * auth with the login password). The SAS commands will build on it. */
    async bootstrapCrossSigning() {
        needClient();
        await state.crypto.bootstrapCrossSigning({
            authUploadDeviceSigningKeys: async (makeRequest) => {
                await makeRequest({
                    type: "m.login.password",
                    identifier: { type: "m.id.user", user: state.userId },
                    password: state.password,
                });
            },
        });
        const s = await state.crypto.getCrossSigningStatus();
        return {
            publicKeysOnDevice: s.publicKeysOnDevice,
            privateKeysInSecretStorage: s.privateKeysInSecretStorage,
            privateKeysCachedLocally: s.privateKeysCachedLocally,
        };
    },

    /** Which of our secrets this device holds (cross-signing private keys cached, backup key):
     * what secret gossiping (m.secret.request / m.secret.send) from our other devices gave. */
    async secretsStatus() {
        needClient();
        const s = await state.crypto.getCrossSigningStatus();
        const backupKey = await state.crypto.getSessionBackupPrivateKey();
        return {
            privateKeysCachedLocally: s.privateKeysCachedLocally,
            backupKeyCached: backupKey !== null && backupKey !== undefined,
            crossSigningKeyId: (await state.crypto.getCrossSigningKeyId()) ?? null,
        };
    },

    /** Resets this account's cryptographic identity (Element's "reset identity"): new
     * cross-signing keys replace the old ones; everyone who had verified us must be warned. */
    async resetIdentity() {
        needClient();
        const before = (await state.crypto.getCrossSigningKeyId()) ?? null;
        await state.crypto.bootstrapCrossSigning({
            setupNewCrossSigning: true,
            authUploadDeviceSigningKeys: async (makeRequest) => {
                await makeRequest({
                    type: "m.login.password",
                    identifier: { type: "m.id.user", user: state.userId },
                    password: state.password,
                });
            },
        });
        const after = (await state.crypto.getCrossSigningKeyId()) ?? null;
        return { before, after };
    },

    // -- verification (SAS emoji), by a handle of ours: `verificationId` ------------------------

    /** Asks to verify `userId`: in the DM `roomId` (as Element does with another user), or
     * to-device with one `deviceId`, or our own other devices when `userId` is ours. */
    async requestVerification({ userId, roomId = null, deviceId = null }) {
        needClient();
        let request;
        if (roomId) request = await state.crypto.requestVerificationDM(userId, roomId);
        else if (deviceId) request = await state.crypto.requestDeviceVerification(userId, deviceId);
        else if (userId === state.userId) request = await state.crypto.requestOwnUserVerification();
        else throw new PeerError("another user is verified in a DM: give roomId");
        return describeRequest(track(request));
    },

    /** Accepts a request that `verificationRequest` announced (sends m.key.verification.ready). */
    async acceptVerification({ verificationId }) {
        const request = verification(verificationId);
        await request.accept();
        return describeRequest(verificationId);
    },

    /** Starts SAS on an accepted request (either side may). The emoji come as a `sas` event
     * and from waitForSas. */
    async startSas({ verificationId }) {
        const request = verification(verificationId);
        const verifier = await request.startVerification("m.sas.v1");
        watchVerifier(verificationId, verifier);
        return describeRequest(verificationId);
    },

    /** The SAS to compare (7 emoji as [symbol, name], and the decimals) once both sides have
     * exchanged keys. */
    async waitForSas({ verificationId, timeoutMs = DEFAULT_TIMEOUT_MS }) {
        verification(verificationId);
        const v = state.verifications.get(verificationId);
        return waitFor(`SAS of ${verificationId}`, () => v.sas ?? undefined, timeoutMs);
    },

    /** The user's answer to "do the emoji match?": confirm (m.key.verification.mac) or mismatch
     * (cancel with m.mismatched_sas). */
    async confirmSas({ verificationId, match = true }) {
        verification(verificationId);
        const v = state.verifications.get(verificationId);
        if (!v.sasCallbacks) throw new PeerError(`no SAS shown yet for ${verificationId}`);
        if (match) await v.sasCallbacks.confirm();
        else v.sasCallbacks.mismatch();
        return describeRequest(verificationId);
    },

    /** Waits until the request is Done or Cancelled; returns its final description. */
    async waitForVerification({ verificationId, timeoutMs = DEFAULT_TIMEOUT_MS }) {
        const request = verification(verificationId);
        const final = new Set([cryptoApi.VerificationPhase.Done, cryptoApi.VerificationPhase.Cancelled]);
        return waitFor(
            `${verificationId} to end`,
            () => (final.has(request.phase) ? describeRequest(verificationId) : undefined),
            timeoutMs,
        );
    },

    async cancelVerification({ verificationId, code = "m.user", reason = "cancelled by the test" }) {
        await verification(verificationId).cancel({ code, reason });
        return describeRequest(verificationId);
    },

    async stop() {
        await shutdown();
        return {};
    },
};

// -- verification requests, by handle ------------------------------------------------------------
function track(request) {
    for (const [id, v] of state.verifications) if (v.request === request) return id;
    const id = `v${state.verifications.size + 1}`;
    const v = { request, verifier: null, sas: null, sasCallbacks: null, done: null };
    state.verifications.set(id, v);
    request.on(cryptoApi.VerificationRequestEvent.Change, () => {
        if (request.verifier && !v.verifier) watchVerifier(id, request.verifier);
        emit("verificationChange", describeRequest(id));
        poke();
    });
    return id;
}

function verification(verificationId) {
    needClient();
    const v = state.verifications.get(verificationId);
    if (!v) throw new PeerError(`no verification ${JSON.stringify(verificationId)}`);
    return v.request;
}

/** Hooks a verifier (ours or the other side's start) and runs it: verify() resolves at the end. */
function watchVerifier(id, verifier) {
    const v = state.verifications.get(id);
    if (v.verifier) return;
    v.verifier = verifier;
    verifier.on(cryptoApi.VerifierEvent.ShowSas, (callbacks) => {
        v.sasCallbacks = callbacks;
        v.sas = {
            verificationId: id,
            emoji: callbacks.sas.emoji ?? null,
            decimal: callbacks.sas.decimal ?? null,
        };
        emit("sas", v.sas);
        poke();
    });
    verifier.on(cryptoApi.VerifierEvent.Cancel, (e) => {
        emit("verificationCancelled", { verificationId: id, reason: String(e?.message ?? e) });
        poke();
    });
    v.done = verifier.verify().then(
        () => poke(),
        (e) => {
            console.warn(`verification ${id} ended:`, e);
            poke();
        },
    );
}

function describeRequest(id) {
    const { request } = state.verifications.get(id);
    return {
        verificationId: id,
        transactionId: request.transactionId ?? null,
        roomId: request.roomId ?? null,
        otherUserId: request.otherUserId,
        otherDeviceId: request.otherDeviceId ?? null,
        initiatedByMe: request.initiatedByMe,
        phase: cryptoApi.VerificationPhase[request.phase],
        cancellationCode: request.cancellationCode ?? null,
    };
}

// -- client events -> waiters and unsolicited lines ----------------------------------------------
function listen(client) {
    const reported = new Set();
    const report = async (event) => {
        if (!settled(event) || reported.has(event.getId()) || event.getSender() === state.userId) return;
        const type = event.getType();
        if (type !== "m.room.message" && !event.isDecryptionFailure()) return;
        reported.add(event.getId());
        emit("message", await describeEvent(event));
    };
    client.on(sdk.RoomEvent.Timeline, (event, _room, toStartOfTimeline) => {
        if (!toStartOfTimeline) void report(event);
        poke();
    });
    client.on(sdk.MatrixEventEvent.Decrypted, (event) => {
        void report(event);
        poke();
    });
    client.on(sdk.RoomMemberEvent.Membership, (_event, member) => {
        if (member.userId === state.userId && member.membership === "invite") {
            const invite = { roomId: member.roomId, inviter: member.events.member?.getSender() ?? null };
            if (!state.invites.some((i) => i.roomId === invite.roomId)) {
                state.invites.push(invite);
                emit("invite", invite);
            }
        }
        poke();
    });
    client.on(sdk.ClientEvent.Sync, (syncState, _prev, data) => {
        if (syncState === sdk.SyncState.Error) emit("syncError", { error: String(data?.error) });
        poke();
    });
    client.on(cryptoApi.CryptoEvent.VerificationRequestReceived, (request) => {
        const id = track(request);
        emit("verificationRequest", describeRequest(id));
        poke();
    });
    client.on(cryptoApi.CryptoEvent.UserTrustStatusChanged, (userId) => {
        emit("userTrustStatusChanged", { userId });
        poke();
    });
}

// -- the loop -------------------------------------------------------------------------------------
let stopping = null;
async function shutdown() {
    stopping ??= (async () => {
        for (const waiter of [...state.waiters]) waiter.reject(new PeerError("peer stopping"));
        if (state.client) {
            state.client.stopClient();
            state.crypto?.stop?.();
        }
    })();
    return stopping;
}

async function handle(line) {
    let request;
    try {
        request = JSON.parse(line);
    } catch (e) {
        write({ id: null, ok: false, error: `not JSON: ${e.message}` });
        return;
    }
    const { id = null, cmd, args = {} } = request;
    const command = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : null;
    if (!command) {
        const known = Object.keys(COMMANDS);
        write({ id, ok: false, error: `unknown command ${JSON.stringify(cmd)}`, details: { known } });
        return;
    }
    try {
        const result = await command(args);
        write({ id, ok: true, result: result ?? {} });
    } catch (e) {
        console.error(`command ${cmd} (#${id}) failed:`, e);
        const details =
            e instanceof PeerError
                ? e.details
                : { name: e?.name, errcode: e?.errcode, httpStatus: e?.httpStatus };
        write({ id, ok: false, error: e?.message ?? String(e), details });
    }
    if (cmd === "stop") process.exit(0);
}

process.on("unhandledRejection", (reason) => {
    console.error("unhandled rejection:", reason);
    emit("crash", { error: String(reason?.stack ?? reason) });
});

const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on("line", (line) => {
    if (line.trim()) void handle(line);
});
input.on("close", async () => {
    await shutdown();
    process.exit(0);
});
emit("ready", { node: process.version, sdk: SDK_VERSION, pid: process.pid });
