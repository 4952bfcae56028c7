package dev.robustgate.data;

public enum Split {
    TRAIN, TEST
}
