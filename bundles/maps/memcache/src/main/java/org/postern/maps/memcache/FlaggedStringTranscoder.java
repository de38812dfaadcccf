// SPDX-License-Identifier: Apache-2.0
package org.postern.maps.memcache;

import java.nio.charset.StandardCharsets;

import net.rubyeye.xmemcached.transcoders.CachedData;
import net.rubyeye.xmemcached.transcoders.StringTranscoder;

/** Values as plain UTF-8 bytes, as Postfix stores them, with the table's "flags" on updates. */
final class FlaggedStringTranscoder extends StringTranscoder {

    private final int flags;

    FlaggedStringTranscoder(int flags) {
        super("UTF-8");
        this.flags = flags;
    }

    @Override
    public CachedData encode(String value) {
        return new CachedData(flags, super.encode(value).getData());
    }

    /** Any flags: Postfix ignores them on lookup. */
    @Override
    public String decode(CachedData data) {
        return new String(data.getData(), StandardCharsets.UTF_8);
    }
}
