// SPDX-License-Identifier: Apache-2.0
package org.postern.core.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class GetoptTest {

    @Test
    void clustersAndValuesShouldSplitAsGetoptDoes() throws Exception {
        Getopt.Parsed p = Getopt.parse(List.of("-ti", "-fjoe", "-F", "Joe User", "bob", "-x"), "fF");
        assertThat(p.options()).containsExactly(new Getopt.Opt('t', null), new Getopt.Opt('i', null),
                new Getopt.Opt('f', "joe"), new Getopt.Opt('F', "Joe User"));
        // No permutation: parsing stops at the first operand.
        assertThat(p.operands()).containsExactly("bob", "-x");
    }

    @Test
    void doubleDashShouldEndTheOptionsAndBeDropped() throws Exception {
        Getopt.Parsed p = Getopt.parse(List.of("-n", "--", "-d"), "");
        assertThat(p.options()).containsExactly(new Getopt.Opt('n', null));
        assertThat(p.operands()).containsExactly("-d");
        assertThat(Getopt.parse(List.of("-", "x"), "").operands()).containsExactly("-", "x");
    }

    @Test
    void aValueOptionWithoutValueShouldBeRefused() {
        assertThatThrownBy(() -> Getopt.parse(List.of("-nc"), "c")).isInstanceOf(Getopt.MissingArgument.class)
                .hasMessage("option requires an argument -- c");
    }
}
