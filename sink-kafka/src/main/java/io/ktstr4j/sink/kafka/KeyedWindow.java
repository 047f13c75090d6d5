package io.ktstr4j.sink.kafka;

import io.ktstr4j.sink.kafka.spool.OutRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The records between the publisher and Kafka: at most one in flight per (topic, key), the others of that key waiting
 * behind it in order. One in flight per key is what keeps a key's order when Kafka fails: the producer expires a batch
 * it could not send (the broker was away) while a later batch of the same partition, created after the broker came
 * back, goes through; with two records of a key in flight, the later one could then be in Kafka before the earlier
 * one, and consumers that drop by sequence would skip the earlier one for good. The window's size (records and bytes)
 * counts in-flight and waiting records alike. Confined to the dispatcher thread.
 */
final class KeyedWindow {
    /** A record handed to the transport under {@code id}. */
    record Sent(long id, String key, OutRecord record) {
    }

    /** Hands a record to the transport (the dispatcher's send, which routes the answer back by id). */
    interface Transmitter {
        void transmit(long id, OutRecord record);
    }

    private final Transmitter transmitter;
    private final java.util.function.BinaryOperator<OutRecord> merger;
    private final Map<Long, Sent> inFlight = new LinkedHashMap<>();
    private final Map<String, ArrayDeque<OutRecord>> waiting = new HashMap<>();
    private final Map<String, Long> busy = new HashMap<>();
    private long nextId;
    private int count;
    private long bytes;

    /** {@code merger}: one record of two of the same key, or null when they cannot be one. */
    KeyedWindow(Transmitter transmitter, java.util.function.BinaryOperator<OutRecord> merger) {
        this.transmitter = transmitter;
        this.merger = merger;
    }

    static String keyOf(OutRecord r) {
        return r.topic() + "|" + r.keyText();
    }

    /** Whether {@code r} fits: fewer than {@code w.records()} records, and within {@code w.bytes()} unless empty. */
    boolean hasRoom(OutRecord r, Publication.Window w) {
        return count < w.records() && (count == 0 || bytes + r.value().length <= w.bytes());
    }

    /** Sends {@code r} now, or queues it behind the record of its key in flight. */
    void submit(OutRecord r) {
        count++;
        bytes += r.value().length;
        String key = keyOf(r);
        if (busy.containsKey(key)) {
            waiting.computeIfAbsent(key, k -> new ArrayDeque<>()).add(r);
        } else {
            transmit(key, r);
        }
    }

    private void transmit(String key, OutRecord r) {
        long id = nextId++;
        busy.put(key, id);
        inFlight.put(id, new Sent(id, key, r));
        transmitter.transmit(id, r);
    }

    /** Kafka answered record {@code id}: it leaves the window. Null when it had left already (spooled, given up). */
    Sent answered(long id) {
        Sent s = inFlight.remove(id);
        if (s != null) {
            busy.remove(s.key());
            leave(s.record());
        }
        return s;
    }

    /**
     * Sends the next waiting record of {@code key}, if any, merged with those behind it as far as they fit in one
     * record: events that arrived one by one while the key waited go in one round trip.
     */
    void sendNext(String key) {
        ArrayDeque<OutRecord> q = waiting.get(key);
        if (q == null) {
            return;
        }
        OutRecord next = q.poll();
        for (OutRecord m; !q.isEmpty() && (m = merger.apply(next, q.peek())) != null; ) {
            q.poll();
            count--; // two records became one; their bytes are the merged record's
            next = m;
        }
        if (q.isEmpty()) {
            waiting.remove(key);
        }
        transmit(key, next);
    }

    /** Takes the waiting records of {@code key} out of the window, in order (to spool them, or to give them up). */
    List<OutRecord> takeWaiting(String key) {
        ArrayDeque<OutRecord> q = waiting.remove(key);
        if (q == null) {
            return List.of();
        }
        q.forEach(this::leave);
        return new ArrayList<>(q);
    }

    /**
     * Empties the window: every record, in an order that keeps each key's order (the one in flight, then those
     * waiting behind it). Answers that come later for these are ignored ({@link #answered} returns null).
     */
    List<OutRecord> takeAll() {
        List<OutRecord> all = new ArrayList<>();
        for (Sent s : inFlight.values()) {
            all.add(s.record());
            ArrayDeque<OutRecord> q = waiting.remove(s.key());
            if (q != null) {
                all.addAll(q);
            }
        }
        inFlight.clear();
        waiting.clear();
        busy.clear();
        count = 0;
        bytes = 0;
        return all;
    }

    private void leave(OutRecord r) {
        count--;
        bytes -= r.value().length;
    }

    boolean isEmpty() {
        return count == 0;
    }

    int count() {
        return count;
    }

    long bytes() {
        return bytes;
    }
}
