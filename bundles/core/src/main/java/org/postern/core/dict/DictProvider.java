// SPDX-License-Identifier: Apache-2.0
package org.postern.core.dict;

import org.postern.api.dict.DictFactory;

/**
 * One registered factory and where it came from, for choosing among several
 * (highest ranking, then lowest service id, as OSGi does) and for {@code postern:tables}.
 */
record DictProvider(String type, DictFactory factory, String bundle, int ranking, long serviceId)
        implements Comparable<DictProvider> {

    @Override
    public int compareTo(DictProvider other) {
        if (ranking != other.ranking) {
            return Integer.compare(other.ranking, ranking);
        }
        return Long.compare(serviceId, other.serviceId);
    }
}
