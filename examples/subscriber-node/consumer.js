// An outside system subscribing to ZJTX events, in Node.js (docs/events.md).
//
// It signs in with the subscriber account the operators made for it
// (python -m zjtx.subscribers create <system>), declares its own durable queue
// ext.<system>.<name>, binds it to each wanted event's exchange and routing key as the AsyncAPI
// document says, and validates every message against that document's schema (ajv) before
// acknowledging it. It deduplicates by envelope id: delivery is at least once, and a backfill
// replays events with their original ids.
//
// Environment:
//   AMQP_URL      amqp://zjtx-ext-<system>:<password>@host:5672/<vhost>   (required)
//   SYSTEM        the system's name, e.g. credit                           (required)
//   QUEUE         its queue (default ext.<SYSTEM>.node)
//   EVENTS        event types, comma-separated (default review.recognised)
//   ASYNCAPI      the document: a URL (http://gateway:8080/asyncapi.json) or a file path
//                 (default: the committed services/zjtx_api/asyncapi.json of this repository)
//   MAX_MESSAGES  stop after this many valid messages (default: run until SIGTERM)
//
// Output: one JSON line per message on stdout: {"valid": true, "id", "type", "subject", ...}
// or {"valid": false, "errors": [...]}; a line {"ready": true, ...} once the queue is bound.
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const amqp = require('amqplib');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const DOCUMENT_ID = 'urn:zjtx:asyncapi';

async function loadDocument(where) {
  if (/^https?:\/\//.test(where)) {
    const response = await fetch(where);
    if (!response.ok) throw new Error(`GET ${where}: ${response.status}`);
    return response.json();
  }
  return JSON.parse(fs.readFileSync(where, 'utf8'));
}

// One validator per event type: the message payload of the AsyncAPI document (the envelope
// with that type's `data` schema). Its components are registered once under one id, so the
// "#/components/schemas/..." references resolve inside them.
function validators(document, eventTypes) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('int64', /^-?[0-9]+$/);   // proto3 JSON: 64-bit integers travel as strings
  ajv.addFormat('uint64', /^[0-9]+$/);
  ajv.addSchema({ components: document.components }, DOCUMENT_ID);
  const found = {};
  for (const type of eventTypes) {
    if (!document.components.messages[type]) {
      throw new Error(`${type} is not an event of the AsyncAPI document; known: ${Object.keys(document.channels).join(', ')}`);
    }
    found[type] = ajv.compile({ $ref: `${DOCUMENT_ID}#/components/messages/${type}/payload` });
  }
  return found;
}

function emit(line) {
  process.stdout.write(JSON.stringify(line) + '\n');
}

async function main() {
  const url = process.env.AMQP_URL;
  const system = process.env.SYSTEM;
  if (!url || !system) {
    console.error('set AMQP_URL (the subscriber account) and SYSTEM (its name); see the header of consumer.js');
    process.exit(2);
  }
  const queue = process.env.QUEUE || `ext.${system}.node`;
  const eventTypes = (process.env.EVENTS || 'review.recognised').split(',').map((t) => t.trim()).filter(Boolean);
  const where = process.env.ASYNCAPI || path.join(__dirname, '..', '..', 'services', 'zjtx_api', 'asyncapi.json');
  const limit = Number(process.env.MAX_MESSAGES || 0);

  const document = await loadDocument(where);
  const validate = validators(document, eventTypes);
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  await channel.prefetch(20);
  await channel.assertQueue(queue, { durable: true });
  for (const type of eventTypes) {
    const exchange = document.channels[type].bindings.amqp.exchange.name;  // e.g. review.events
    await channel.bindQueue(queue, exchange, document.channels[type].address);
  }
  emit({ ready: true, queue, events: eventTypes, schemaversion: document.info.version });

  const seen = new Set();  // a real system keeps the ids it applied in its own database
  let valid = 0;
  const stop = async (code) => {
    try { await connection.close(); } catch (error) { /* already closed */ }
    process.exit(code);
  };
  await channel.consume(queue, (message) => {
    let body;
    try {
      body = JSON.parse(message.content.toString('utf8'));
    } catch (error) {
      emit({ valid: false, errors: [`not JSON: ${error.message}`] });
      channel.nack(message, false, false);
      return;
    }
    const check = validate[body.type] || validate[message.fields.routingKey];
    if (!check || !check(body)) {
      emit({ valid: false, id: body.id, type: body.type, errors: check ? check.errors : [`unexpected type ${body.type}`] });
      channel.nack(message, false, false);
      return;
    }
    const duplicate = seen.has(body.id);
    seen.add(body.id);
    const headers = message.properties.headers || {};
    emit({
      valid: true, duplicate, id: body.id, type: body.type, subject: body.subject, time: body.time,
      schemaversion: body.schemaversion, traceparent: headers.traceparent || '', backfill: Boolean(headers['x-zjtx-backfill']),
      data: body.data,
    });
    channel.ack(message);
    if (!duplicate) valid += 1;
    if (limit && valid >= limit) stop(0);
  });
  process.on('SIGTERM', () => stop(0));
  process.on('SIGINT', () => stop(0));
}

main().catch((error) => {
  console.error(`subscriber failed: ${error.message}`);
  process.exit(1);
});
