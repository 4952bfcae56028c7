package dev.robustgate.attack;

/** One sample under one eps: what the attack did to it and what it cost. */
public record SampleResult(int index, int label, int cleanPrediction, int adversarialPrediction, Integer target,
                           boolean success, double distance, int gradientEvaluations) {
    public boolean robust() {
        return adversarialPrediction == label;
    }
}
