package dev.foliofs.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesObjectsArraysNumbersStringsAndLiterals() {
        Object v = Json.parse(" {\"a\": [1, -2.5e3, true, false, null], \"b\": {\"c\": \"x\\\"y\\u0041\\n\"}, \"e\": {}} ");

        assertThat(v).isEqualTo(Map.of(
                "a", java.util.Arrays.asList(1.0, -2500.0, true, false, null),
                "b", Map.of("c", "x\"yA\n"),
                "e", Map.of()));
        assertThat(Json.parse("[]")).isEqualTo(List.of());
    }

    @Test
    void quoteRoundTripsThroughParse() {
        String s = "tab\t quote\" back\\ nl\n ctl\u0001 é";

        assertThat(Json.parse(Json.quote(s))).isEqualTo(s);
    }

    @Test
    void rejectsMalformedInputNamingTheOffset() {
        assertThatThrownBy(() -> Json.parse("{\"a\" 1}")).hasMessageContaining("offset 5");
        assertThatThrownBy(() -> Json.parse("[1] x")).hasMessageContaining("trailing");
        assertThatThrownBy(() -> Json.parse("[1,")).hasMessageContaining("end");
    }
}
