/**
 * Named injection points for deterministic race tests ({@link dev.foliofs.inject.InjectionPoints}:
 * pause a thread at point X until released, run an action at point Y) and the test-only
 * switch that turns off the extent-sequence check ({@link dev.foliofs.inject.SafetyChecks}).
 * Both cost one volatile read when no test uses them.
 */
package dev.foliofs.inject;
