// SPDX-License-Identifier: Apache-2.0
package org.postern.transport.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class PathTemplateTest {

    private final PathTemplate template = new PathTemplate(
            Map.of("home", "/home/joe", "user", "joe", "extension", "", "recipient_delimiter", "+", "domain", "a/b")::get,
            "abcdefghijklmnopqrstuvwxyz0123456789./-_+");

    @Test
    void entryReferringToAnEmptyAttributeShouldBeUndefined() {
        assertThat(template.expand("$home/.forward${recipient_delimiter}${extension}").undefined()).isTrue();
        assertThat(template.expand("$home/.forward")).isEqualTo(new PathTemplate.Result("/home/joe/.forward", false));
    }

    @Test
    void conditionalsShouldNotCountAsUndefined() {
        assertThat(template.expand("/m/${extension?x}${extension:none}/$(user)")).isEqualTo(new PathTemplate.Result("/m/none/joe", false));
        assertThat(template.expand("${user?{yes}}$$")).isEqualTo(new PathTemplate.Result("{yes}$", false));
    }

    @Test
    void valuesShouldPassTheFilter() {
        assertThat(template.expand("/v/${domain}").text()).isEqualTo("/v/a/b");
        PathTemplate strict = new PathTemplate(Map.of("user", "../x y")::get, "abcdefghijklmnopqrstuvwxyz");
        assertThat(strict.expand("/v/$user").text()).isEqualTo("/v/___x_y");
    }
}
