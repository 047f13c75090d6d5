package io.ktstr4j.schemas.event;

/** The guest's exit code (EXIT message or {@code KTSTR_EXIT=N}). */
public record GuestExit(int code) implements GuestMessage {}
