/**
 * Types of the relay's HTTP API, generated from its /openapi.json by openapi-typescript.
 * Do not edit: run `npm run gen:relay-types` (bootstrap-node/src/testing/relay-api-types.ts).
 * relay/openapi-types.test.ts fails when this file no longer matches the served document.
 */
/* eslint-disable */
export type paths = {
    readonly "/metrics": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Prometheus metrics (text exposition format) */
        readonly get: operations["getMetrics"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/openapi.json": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** This OpenAPI document */
        readonly get: operations["getOpenApiDocument"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/blocks/{height}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A whole block */
        readonly get: operations["getBlock"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/commits/{height}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The commit (finality certificate) of the block at a height */
        readonly get: operations["getCommit"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/committee": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The template-review committee with its proof, the review pool, and the latest committee proposals */
        readonly get: operations["getCommittee"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/contract-txs": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The latest included contract txs, newest first, with their receipts */
        readonly get: operations["listContractTxs"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/events/heads": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * Server-Sent Events stream of finalised heads, replayed from Last-Event-ID after a reconnect
         * @description text/event-stream. Each finalised block is one `event: head` whose `data` is JSON {height, hash, header (hex), commit (hex), txCount}; `id` is the height. A client that reconnects with `Last-Event-ID: N` (EventSource does so by itself) first gets every head from N+1 to the chain head, then new ones: each height exactly once, in order. At most 128 heads are owed at a time: a client further behind (a long disconnect, or reading too slowly) gets one `event: resync` with data {from, to} (decimal heights it skipped; fetch them with GET /v1/light-blocks) and `id` = to, then the last heads. Without Last-Event-ID the stream starts at the next head. Comment heartbeats keep proxies from closing the stream. Each relay holds a bounded number of streams (503 RELAY_SSE_FULL) and of streams per client IP (429 RELAY_SSE_PER_IP); a client whose connection accepts nothing for a while is disconnected and resumes with Last-Event-ID.
         */
        readonly get: operations["streamHeads"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/evidence": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /** Submit light-client conflict evidence */
        readonly post: operations["submitEvidence"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/genesis": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * What the genesis hash commits to
         * @description The genesis hash (block 1's prevHash, the trust root a light client pins) is the tagged hash of this commitment: chain id, genesis time, the hash of the validator set that signs block 1, and the hash of the whole genesis document. `commitment` is its canonical encoding, which a client hashes and compares with its pin; the other fields are informative.
         */
        readonly get: operations["getGenesisCommitment"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/headers": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A run of consecutive headers, ascending (at most 100) */
        readonly get: operations["getHeaders"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/headers/{height}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** One block header */
        readonly get: operations["getHeader"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/health": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Whether this node keeps up with its chain: 200 ok, 503 stalled (with reasons) */
        readonly get: operations["getHealth"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/light-blocks": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Light blocks of up to 16 heights in one request, in the order asked; NOT_FOUND if any height is missing */
        readonly get: operations["getLightBlocks"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/light-blocks/{height}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Header, commit and validator set(s) of one height in one request (what /v1/headers, /v1/commits and /v1/validators give separately) */
        readonly get: operations["getLightBlock"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/light-blocks/path/{from}/{to}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * A verification path from a trusted height to a target: the light blocks a skipping client verifies one after another
         * @description Heights after `from` up to `to` (finalised), each signed by more than 1/3 of the power the previous one announced, the furthest each step can reach (light-path.ts); at most 128 light blocks, with both validator sets — ask again from the last when it stops short of `to`. Unverified like every answer: a client checks each step and bisects where the path stops holding. Immutable, so a client starting from a shared trust root and an aligned target shares the URL with every other.
         */
        readonly get: operations["getLightBlockPath"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/orders": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Orders, newest first; by consumer (their purchases: root orders) and/or by product (sub-orders included) */
        readonly get: operations["listOrders"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/orders/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** An order record with its proof: state, status, escrow, history, children */
        readonly get: operations["getOrder"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/orders/{id}/tree": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * The whole order graph of the root above this order: nodes (breadth-first) and parent→child edges
         * @description Decoded values at one height, without proofs: verify any node with GET /v1/orders/:id or /v1/state/:key.
         */
        readonly get: operations["getOrderTree"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/products": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Products, newest first; optionally of one producer */
        readonly get: operations["listProducts"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/products/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A product record with its proof; parameters in JSON form */
        readonly get: operations["getProduct"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/state/{key}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /**
         * A state value with its proof against the state root of the header at `height`
         * @description With `height`: immutable (cached for a year by any HTTP cache). Without: the head's state, cached about one block time, with `Content-Location` naming the height-pinned URL of the same answer (the form to cache and share).
         */
        readonly get: operations["getStateValue"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/status": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The node's view of the chain head */
        readonly get: operations["getStatus"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/templates": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Templates, newest submission first */
        readonly get: operations["listTemplates"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/templates/{id}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** A template record with its proof, and the template document it holds */
        readonly get: operations["getTemplate"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/txs": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /**
         * Submit a signed tx to the mempool
         * @description Body is `{"tx": "<hex>"}` as application/json, or the raw signed tx bytes as application/octet-stream.
         */
        readonly post: operations["submitTx"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/txs/{hash}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** Status of a tx by hash: pending, committed (with height, index and result code) or unknown */
        readonly get: operations["getTxStatus"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/txs/{hash}/receipt": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The receipt of an included contract tx (fee, gas, error) with its proof */
        readonly get: operations["getTxReceipt"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/txs/batch": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /**
         * Submit up to 256 signed txs; each gets its own result
         * @description Body is `{"txs": ["<hex>", …]}` as application/json, or the binary batch encoding (u32 count, then each tx as u32 length + bytes, big-endian) as application/octet-stream — half the bytes and no hex on either side.
         */
        readonly post: operations["submitTxBatch"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/txs/simulate": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly get?: never;
        readonly put?: never;
        /**
         * Dry-run a signed tx against the head state: gas it would use and the fee it would pay
         * @description Runs the tx as the first tx of the next block on a throwaway copy of the head state; nothing changes and nothing is broadcast. A tx that would be refused or fail answers 200 with ok=false and its error code. Sign the simulated tx with a generous fee: a contract tx only gets the gas its fee pays for (unused gas is refunded on chain). A wallet then declares baseFee + gasUsed × gasPrice with some margin.
         */
        readonly post: operations["simulateTx"];
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
    readonly "/v1/validators/{height}": {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        /** The validator set that signs the block at a height (latest + 1 included) */
        readonly get: operations["getValidatorSet"];
        readonly put?: never;
        readonly post?: never;
        readonly delete?: never;
        readonly options?: never;
        readonly head?: never;
        readonly patch?: never;
        readonly trace?: never;
    };
};
export type webhooks = Record<string, never>;
export type components = {
    schemas: never;
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
};
export type $defs = Record<string, never>;
export interface operations {
    readonly getMetrics: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Prometheus text exposition format */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "text/plain": string;
                };
            };
        };
    };
    readonly getOpenApiDocument: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description OpenAPI 3.1 document */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly [key: string]: unknown;
                    };
                };
            };
        };
    };
    readonly getBlock: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Block height: a u64 as a decimal string. */
                readonly height: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        /** @description canonical block encoding */
                        readonly block: string;
                        readonly hash: string;
                        readonly height: string;
                        readonly txCount: number;
                        readonly txs: readonly string[];
                    };
                };
            };
        };
    };
    readonly getCommit: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Block height: a u64 as a decimal string. */
                readonly height: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        /** @description canonical commit encoding */
                        readonly commit: string;
                        readonly height: string;
                        readonly signatures: number;
                    };
                };
            };
        };
    };
    readonly getCommittee: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly committee: {
                            readonly members: readonly string[];
                            readonly threshold: number;
                        };
                        /** @description height whose state root the proof is against */
                        readonly height: string;
                        /** @description raw state key */
                        readonly key: string;
                        /** @description canonical SMT proof encoding */
                        readonly proof: string;
                        readonly proposals: readonly {
                            readonly approvals: readonly string[];
                            readonly bounty: string;
                            readonly deprecate: boolean;
                            readonly id: string;
                            readonly reason: string;
                            readonly rejections: readonly string[];
                            readonly reporter: string;
                            readonly status: string;
                            readonly template: string;
                        }[];
                        readonly reviewPool: {
                            readonly address: string;
                            readonly balance: string;
                        };
                        readonly stateRoot: string;
                        /** @description hex of the canonical record encoding */
                        readonly value: string | null;
                    };
                };
            };
        };
    };
    readonly listContractTxs: {
        readonly parameters: {
            readonly query?: {
                readonly limit?: number;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly height: string;
                        readonly txs: readonly {
                            readonly hash: string;
                            readonly height: string;
                            readonly index: number;
                            readonly receipt: {
                                readonly code: string;
                                readonly fee: string;
                                readonly gasUsed: string;
                                readonly height: string;
                                readonly message: string;
                                readonly ok: boolean;
                            } | null;
                            readonly sender: string;
                            /** @description the template, proposal, product or order the tx created or acted on */
                            readonly subject: string;
                            readonly type: string;
                        }[];
                    };
                };
            };
        };
    };
    readonly streamHeads: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: {
                /** @description The `id` of the last event received: the stream resumes after that height. */
                readonly "last-event-id"?: string;
            };
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description An endless event stream */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "text/event-stream": string;
                };
            };
        };
    };
    readonly submitEvidence: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    /** @description hex of the canonical conflict evidence encoding */
                    readonly evidence: string;
                };
            };
        };
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Accepted */
            readonly 202: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        /** @description height of the conflict */
                        readonly height: string;
                    };
                };
            };
        };
    };
    readonly getGenesisCommitment: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly chainId: string;
                        readonly commitment: string;
                        readonly documentHash: string;
                        readonly genesisHash: string;
                        readonly genesisTime: string;
                        readonly validatorsHash: string;
                    };
                };
            };
        };
    };
    readonly getHeaders: {
        readonly parameters: {
            readonly query?: {
                /** @description First height (default: the latest `limit` headers). */
                readonly from?: string;
                readonly limit?: number;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly headers: readonly {
                            /** @description The header decoded for humans; verify against `header`, never against these. */
                            readonly fields: {
                                readonly chainId: string;
                                /** @description Merkle root of the evidence */
                                readonly evidenceRoot: string;
                                /** @description height */
                                readonly height: string;
                                /** @description hash of the commit of the previous block */
                                readonly lastCommitHash: string;
                                /** @description hash of the validator set signing the next block */
                                readonly nextValidatorsHash: string;
                                /** @description hash of the previous header */
                                readonly prevHash: string;
                                /** @description proposer address (dpn…) */
                                readonly proposer: string;
                                /** @description state root after this block */
                                readonly stateRoot: string;
                                /** @description milliseconds since the Unix epoch */
                                readonly time: string;
                                /** @description Merkle root of the tx hashes */
                                readonly txRoot: string;
                                /** @description hash of the validator set signing this block */
                                readonly validatorsHash: string;
                            };
                            /** @description header hash */
                            readonly hash: string;
                            /** @description canonical header encoding */
                            readonly header: string;
                            /** @description height */
                            readonly height: string;
                        }[];
                    };
                };
            };
        };
    };
    readonly getHeader: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Block height: a u64 as a decimal string. */
                readonly height: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        /** @description The header decoded for humans; verify against `header`, never against these. */
                        readonly fields: {
                            readonly chainId: string;
                            /** @description Merkle root of the evidence */
                            readonly evidenceRoot: string;
                            /** @description height */
                            readonly height: string;
                            /** @description hash of the commit of the previous block */
                            readonly lastCommitHash: string;
                            /** @description hash of the validator set signing the next block */
                            readonly nextValidatorsHash: string;
                            /** @description hash of the previous header */
                            readonly prevHash: string;
                            /** @description proposer address (dpn…) */
                            readonly proposer: string;
                            /** @description state root after this block */
                            readonly stateRoot: string;
                            /** @description milliseconds since the Unix epoch */
                            readonly time: string;
                            /** @description Merkle root of the tx hashes */
                            readonly txRoot: string;
                            /** @description hash of the validator set signing this block */
                            readonly validatorsHash: string;
                        };
                        /** @description header hash */
                        readonly hash: string;
                        /** @description canonical header encoding */
                        readonly header: string;
                        /** @description height */
                        readonly height: string;
                    };
                };
            };
        };
    };
    readonly getHealth: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Whether the node keeps up: `stalled` while its store writes fail, or while its head stays put although peers are ahead. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        /** @description store writes that failed since the node started */
                        readonly commitFailures: number;
                        /** @description seconds since the head last advanced (or since the node started) */
                        readonly headAgeSeconds: number;
                        /** @description this node's head height */
                        readonly height: string;
                        /** @description while writes fail: the last error */
                        readonly lastCommitError?: string;
                        /** @description highest head a peer reported recently (null: none heard from) */
                        readonly peerHeight: string | null;
                        /** @description Why the node is stalled (empty when ok); codes in ERRORS.md, "Health". */
                        readonly reasons: readonly {
                            /** @enum {string} */
                            readonly code: "WRITES_FAILING" | "BEHIND_PEERS";
                            readonly message: string;
                        }[];
                        /** @description while writes fail: when they began to, in milliseconds since the Unix epoch */
                        readonly since?: string;
                        /** @enum {string} */
                        readonly status: "ok" | "stalled";
                    };
                };
            };
            /** @description Stalled: the reasons say why. */
            readonly 503: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        /** @description store writes that failed since the node started */
                        readonly commitFailures: number;
                        /** @description seconds since the head last advanced (or since the node started) */
                        readonly headAgeSeconds: number;
                        /** @description this node's head height */
                        readonly height: string;
                        /** @description while writes fail: the last error */
                        readonly lastCommitError?: string;
                        /** @description highest head a peer reported recently (null: none heard from) */
                        readonly peerHeight: string | null;
                        /** @description Why the node is stalled (empty when ok); codes in ERRORS.md, "Health". */
                        readonly reasons: readonly {
                            /** @enum {string} */
                            readonly code: "WRITES_FAILING" | "BEHIND_PEERS";
                            readonly message: string;
                        }[];
                        /** @description while writes fail: when they began to, in milliseconds since the Unix epoch */
                        readonly since?: string;
                        /** @enum {string} */
                        readonly status: "ok" | "stalled";
                    };
                };
            };
        };
    };
    readonly getLightBlocks: {
        readonly parameters: {
            readonly query: {
                /** @description Comma-separated distinct heights (at most 16). */
                readonly heights: string;
                /** @description Validator sets to include: `none`; `signing` (the set that signs the height); `both` (also the next height's set when the header announces a different one). */
                readonly validators?: "none" | "signing" | "both";
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly blocks: readonly {
                            /** @description canonical commit encoding */
                            readonly commit: string;
                            /** @description header hash */
                            readonly hash: string;
                            /** @description canonical header encoding */
                            readonly header: string;
                            readonly height: string;
                            /** @description canonical encoding of the next height's set, only when it differs from `validatorSet` (null otherwise or when not asked for) */
                            readonly nextValidatorSet: string | null;
                            /** @description canonical encoding of the set that signs this height (null when not asked for) */
                            readonly validatorSet: string | null;
                        }[];
                    };
                };
            };
        };
    };
    readonly getLightBlock: {
        readonly parameters: {
            readonly query?: {
                /** @description Validator sets to include: `none`; `signing` (the set that signs the height); `both` (also the next height's set when the header announces a different one). */
                readonly validators?: "none" | "signing" | "both";
            };
            readonly header?: never;
            readonly path: {
                /** @description Block height: a u64 as a decimal string. */
                readonly height: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Everything a light client needs to verify one height. Unverified: check the commit against the set and the sets against the header's hashes. */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        /** @description canonical commit encoding */
                        readonly commit: string;
                        /** @description header hash */
                        readonly hash: string;
                        /** @description canonical header encoding */
                        readonly header: string;
                        readonly height: string;
                        /** @description canonical encoding of the next height's set, only when it differs from `validatorSet` (null otherwise or when not asked for) */
                        readonly nextValidatorSet: string | null;
                        /** @description canonical encoding of the set that signs this height (null when not asked for) */
                        readonly validatorSet: string | null;
                    };
                };
            };
        };
    };
    readonly getLightBlockPath: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Block height: a u64 as a decimal string. */
                readonly from: string;
                /** @description Block height: a u64 as a decimal string. */
                readonly to: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly blocks: readonly {
                            /** @description canonical commit encoding */
                            readonly commit: string;
                            /** @description header hash */
                            readonly hash: string;
                            /** @description canonical header encoding */
                            readonly header: string;
                            readonly height: string;
                            /** @description canonical encoding of the next height's set, only when it differs from `validatorSet` (null otherwise or when not asked for) */
                            readonly nextValidatorSet: string | null;
                            /** @description canonical encoding of the set that signs this height (null when not asked for) */
                            readonly validatorSet: string | null;
                        }[];
                        readonly to: string;
                    };
                };
            };
        };
    };
    readonly listOrders: {
        readonly parameters: {
            readonly query?: {
                /** @description last id of the previous page (pages run newest first) */
                readonly after?: string;
                /** @description dpn… address */
                readonly consumer?: string;
                readonly limit?: number;
                /** @description product id */
                readonly product?: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly height: string;
                        readonly next: string | null;
                        readonly orders: readonly {
                            readonly address: string;
                            readonly buyer: string;
                            readonly children: readonly string[];
                            readonly consumer: string;
                            readonly createdAt: string;
                            readonly currency: string;
                            readonly depth: number;
                            readonly designerFee: string;
                            /** @description escrowIn − escrowOut: the balance of the order account */
                            readonly escrow: string;
                            readonly escrowIn: string;
                            readonly escrowOut: string;
                            readonly history: readonly {
                                readonly event: string;
                                readonly height: string;
                                readonly time: string;
                            }[];
                            readonly id: string;
                            readonly parent: string | null;
                            readonly payer: string;
                            readonly price: string;
                            readonly product: string;
                            readonly quantity: number;
                            readonly root: string;
                            readonly shipping: string;
                            readonly state: string;
                            readonly stateSeq: number;
                            readonly stateSince: string;
                            readonly status: string;
                            readonly tag: string;
                            readonly template: string;
                            readonly vars: readonly {
                                readonly index: number;
                                readonly name: string | null;
                                readonly type: string;
                                readonly value: unknown;
                            }[];
                        }[];
                    };
                };
            };
        };
    };
    readonly getOrder: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description order id (64 hex) */
                readonly id: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        /** @description height whose state root the proof is against */
                        readonly height: string;
                        /** @description raw state key */
                        readonly key: string;
                        readonly order: {
                            readonly address: string;
                            readonly buyer: string;
                            readonly children: readonly string[];
                            readonly consumer: string;
                            readonly createdAt: string;
                            readonly currency: string;
                            readonly depth: number;
                            readonly designerFee: string;
                            /** @description escrowIn − escrowOut: the balance of the order account */
                            readonly escrow: string;
                            readonly escrowIn: string;
                            readonly escrowOut: string;
                            readonly history: readonly {
                                readonly event: string;
                                readonly height: string;
                                readonly time: string;
                            }[];
                            readonly id: string;
                            readonly parent: string | null;
                            readonly payer: string;
                            readonly price: string;
                            readonly product: string;
                            readonly quantity: number;
                            readonly root: string;
                            readonly shipping: string;
                            readonly state: string;
                            readonly stateSeq: number;
                            readonly stateSince: string;
                            readonly status: string;
                            readonly tag: string;
                            readonly template: string;
                            readonly vars: readonly {
                                readonly index: number;
                                readonly name: string | null;
                                readonly type: string;
                                readonly value: unknown;
                            }[];
                        };
                        /** @description canonical SMT proof encoding */
                        readonly proof: string;
                        readonly stateRoot: string;
                        /** @description hex of the canonical record encoding */
                        readonly value: string | null;
                    };
                };
            };
        };
    };
    readonly getOrderTree: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description order id (64 hex) */
                readonly id: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly edges: readonly {
                            readonly from: string;
                            readonly tag: string;
                            readonly to: string;
                        }[];
                        readonly height: string;
                        readonly nodes: readonly {
                            readonly depth: number;
                            readonly escrow: string;
                            readonly id: string;
                            readonly parent: string | null;
                            readonly price: string;
                            readonly producer: string | null;
                            readonly product: string;
                            readonly productName: string | null;
                            readonly state: string;
                            readonly status: string;
                            readonly tag: string;
                        }[];
                        readonly root: string;
                        readonly truncated: boolean;
                    };
                };
            };
        };
    };
    readonly listProducts: {
        readonly parameters: {
            readonly query?: {
                /** @description last id of the previous page (pages run newest first) */
                readonly after?: string;
                readonly limit?: number;
                /** @description dpn… address */
                readonly producer?: string;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly height: string;
                        readonly next: string | null;
                        readonly products: readonly {
                            readonly address: string;
                            readonly createdAt: string;
                            /** @description 'DPN' or the hex id of the producer's token the price and escrow are in */
                            readonly currency: string;
                            readonly id: string;
                            readonly leadTimeMs: string;
                            readonly metadataHash: string;
                            readonly metadataUri: string;
                            readonly name: string;
                            readonly orders: string;
                            /** @description parameters in JSON form (null if they do not decode) */
                            readonly params: {
                                readonly [key: string]: unknown;
                            } | null;
                            readonly price: string;
                            readonly producer: string;
                            readonly template: string;
                            readonly templateName: string | null;
                        }[];
                    };
                };
            };
        };
    };
    readonly getProduct: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description product id (64 hex) */
                readonly id: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        /** @description height whose state root the proof is against */
                        readonly height: string;
                        /** @description raw state key */
                        readonly key: string;
                        readonly product: {
                            readonly address: string;
                            readonly createdAt: string;
                            /** @description 'DPN' or the hex id of the producer's token the price and escrow are in */
                            readonly currency: string;
                            readonly id: string;
                            readonly leadTimeMs: string;
                            readonly metadataHash: string;
                            readonly metadataUri: string;
                            readonly name: string;
                            readonly orders: string;
                            /** @description parameters in JSON form (null if they do not decode) */
                            readonly params: {
                                readonly [key: string]: unknown;
                            } | null;
                            readonly price: string;
                            readonly producer: string;
                            readonly template: string;
                            readonly templateName: string | null;
                        };
                        /** @description canonical SMT proof encoding */
                        readonly proof: string;
                        readonly stateRoot: string;
                        /** @description hex of the canonical record encoding */
                        readonly value: string | null;
                    };
                };
            };
        };
    };
    readonly getStateValue: {
        readonly parameters: {
            readonly query?: {
                /** @description Height whose state root the proof is against (default: latest). */
                readonly height?: string;
            };
            readonly header?: never;
            readonly path: {
                /** @description raw state key (namespace byte ‖ ids) */
                readonly key: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly height: string;
                        readonly key: string;
                        /** @description canonical SMT proof encoding */
                        readonly proof: string;
                        readonly stateRoot: string;
                        /** @description hex of the value, null when absent (the proof then shows non-inclusion) */
                        readonly value: string | null;
                    };
                };
            };
        };
    };
    readonly getStatus: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly chainId: string;
                        readonly earliestStateHeight: string;
                        readonly genesisHash: string;
                        readonly headHash: string;
                        readonly headTime: string;
                        /** @description What GET /v1/health answers (this route stays 200 either way). */
                        readonly health: {
                            /** @description store writes that failed since the node started */
                            readonly commitFailures: number;
                            /** @description seconds since the head last advanced (or since the node started) */
                            readonly headAgeSeconds: number;
                            /** @description this node's head height */
                            readonly height: string;
                            /** @description while writes fail: the last error */
                            readonly lastCommitError?: string;
                            /** @description highest head a peer reported recently (null: none heard from) */
                            readonly peerHeight: string | null;
                            /** @description Why the node is stalled (empty when ok); codes in ERRORS.md, "Health". */
                            readonly reasons: readonly {
                                /** @enum {string} */
                                readonly code: "WRITES_FAILING" | "BEHIND_PEERS";
                                readonly message: string;
                            }[];
                            /** @description while writes fail: when they began to, in milliseconds since the Unix epoch */
                            readonly since?: string;
                            /** @enum {string} */
                            readonly status: "ok" | "stalled";
                        };
                        readonly height: string;
                        readonly mempoolSize: number;
                        readonly multiaddrs: readonly string[];
                        readonly peers: number;
                        readonly stateRoot: string;
                        /** @description null on a node that does not validate */
                        readonly validator: {
                            readonly address: string;
                            readonly publicKey: string;
                        } | null;
                    };
                };
            };
        };
    };
    readonly listTemplates: {
        readonly parameters: {
            readonly query?: {
                /** @description last id of the previous page (pages run newest first) */
                readonly after?: string;
                readonly limit?: number;
            };
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly height: string;
                        readonly next: string | null;
                        readonly templates: readonly {
                            readonly approvals: readonly string[];
                            readonly codeBytes: number;
                            readonly designer: string;
                            readonly designerFee: string;
                            readonly id: string;
                            readonly name: string | null;
                            readonly rejections: readonly string[];
                            readonly status: string;
                            readonly submittedAt: string;
                            readonly summary: string | null;
                        }[];
                    };
                };
            };
        };
    };
    readonly getTemplate: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description template id (64 hex) */
                readonly id: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        /** @description height whose state root the proof is against */
                        readonly height: string;
                        /** @description raw state key */
                        readonly key: string;
                        /** @description canonical SMT proof encoding */
                        readonly proof: string;
                        readonly stateRoot: string;
                        readonly template: {
                            readonly approvals: readonly string[];
                            /** @description the document as submitted (UTF-8 JSON); its hash is the id */
                            readonly code: string;
                            readonly codeBytes: number;
                            readonly designer: string;
                            readonly designerFee: string;
                            /** @description the document as the template language reads it (null if it no longer parses) */
                            readonly document: {
                                readonly [key: string]: unknown;
                            } | null;
                            readonly id: string;
                            readonly name: string | null;
                            readonly rejections: readonly string[];
                            readonly status: string;
                            readonly submittedAt: string;
                            readonly summary: string | null;
                        };
                        /** @description hex of the canonical record encoding */
                        readonly value: string | null;
                    };
                };
            };
        };
    };
    readonly submitTx: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    /** @description hex of the canonical signed tx encoding */
                    readonly tx: string;
                };
                readonly "application/octet-stream": string;
            };
        };
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Accepted into the mempool */
            readonly 202: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        /** @description tx hash */
                        readonly hash: string;
                    };
                };
            };
        };
    };
    readonly getTxStatus: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description tx hash */
                readonly hash: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        /** @description committed only: execution result code */
                        readonly code?: string;
                        /** @description committed only */
                        readonly height?: string;
                        /** @description committed only: position in the block */
                        readonly index?: number;
                        /** @enum {string} */
                        readonly status: "pending" | "committed" | "unknown";
                    };
                };
            };
        };
    };
    readonly getTxReceipt: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description tx hash */
                readonly hash: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        /** @description height whose state root the proof is against */
                        readonly height: string;
                        /** @description raw state key */
                        readonly key: string;
                        /** @description canonical SMT proof encoding */
                        readonly proof: string;
                        readonly receipt: {
                            readonly code: string;
                            readonly fee: string;
                            readonly gasUsed: string;
                            readonly height: string;
                            readonly message: string;
                            readonly ok: boolean;
                        };
                        readonly stateRoot: string;
                        /** @description hex of the canonical record encoding */
                        readonly value: string | null;
                    };
                };
            };
        };
    };
    readonly submitTxBatch: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    readonly txs: readonly string[];
                };
                readonly "application/octet-stream": string;
            };
        };
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description One result per tx, in order: its hash if accepted, else its error */
            readonly 202: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly results: readonly {
                            /** @description why the tx was refused (refused txs) */
                            readonly error?: {
                                readonly code: string;
                                readonly message: string;
                            };
                            /** @description tx hash (accepted txs) */
                            readonly hash?: string;
                        }[];
                    };
                };
            };
        };
    };
    readonly simulateTx: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path?: never;
            readonly cookie?: never;
        };
        readonly requestBody: {
            readonly content: {
                readonly "application/json": {
                    /** @description hex of the canonical signed tx encoding */
                    readonly tx: string;
                };
            };
        };
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        /** @description fee for the tx bytes alone */
                        readonly baseFee: string;
                        /** @description why the tx would be refused or fail (not ok only) */
                        readonly error?: {
                            readonly code: string;
                            readonly message: string;
                        };
                        /** @description fee it would be charged: baseFee + gasUsed × gasPrice (ok only) */
                        readonly fee?: string;
                        readonly gasPrice: string;
                        /** @description gas the tx used (ok only) */
                        readonly gasUsed?: string;
                        /** @description head height the tx ran on top of */
                        readonly height: string;
                        readonly ok: boolean;
                    };
                };
            };
        };
    };
    readonly getValidatorSet: {
        readonly parameters: {
            readonly query?: never;
            readonly header?: never;
            readonly path: {
                /** @description Block height: a u64 as a decimal string. */
                readonly height: string;
            };
            readonly cookie?: never;
        };
        readonly requestBody?: never;
        readonly responses: {
            /** @description Error: see ERRORS.md for every code. */
            readonly "4XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Error: see ERRORS.md for every code. */
            readonly "5XX": {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly error: {
                            readonly code: string;
                            readonly message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            readonly 200: {
                headers: {
                    readonly [name: string]: unknown;
                };
                content: {
                    readonly "application/json": {
                        readonly hash: string;
                        readonly height: string;
                        readonly totalPower: string;
                        readonly validators: readonly {
                            readonly address: string;
                            readonly power: string;
                            readonly publicKey: string;
                        }[];
                        /** @description canonical validator set encoding */
                        readonly validatorSet: string;
                    };
                };
            };
        };
    };
}
