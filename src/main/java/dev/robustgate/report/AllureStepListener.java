package dev.robustgate.report;

import dev.robustgate.event.AttackFinished;
import dev.robustgate.event.CacheHit;
import dev.robustgate.event.CacheMiss;
import dev.robustgate.event.EventListener;
import dev.robustgate.event.TrainingFinished;
import io.qameta.allure.Allure;

import java.util.Locale;

/** Shows the fixture and attack work a test did as Allure steps, so a report reads as a story. */
public final class AllureStepListener implements EventListener {

    @Override
    public void onCacheHit(CacheHit e) {
        step("victim " + e.victim() + " loaded from cache " + e.entry().getFileName());
    }

    @Override
    public void onCacheMiss(CacheMiss e) {
        step("victim " + e.victim() + " not cached (" + e.reason() + "): training");
    }

    @Override
    public void onTrainingFinished(TrainingFinished e) {
        step(String.format(Locale.ROOT, "trained %s in %.1f s, clean test accuracy %.4f", e.victim(), e.seconds(), e.cleanAccuracy()));
    }

    @Override
    public void onAttackFinished(AttackFinished e) {
        step(String.format(Locale.ROOT, "%s on %s: %d/%d robust, %d gradient evaluations, %.1f s",
                e.attack(), e.victim(), e.robust(), e.samples(), e.gradientEvaluations(), e.seconds()));
    }

    private static void step(String name) {
        if (AllureAttachments.isTestRunning()) {
            Allure.step(name);
        }
    }
}
