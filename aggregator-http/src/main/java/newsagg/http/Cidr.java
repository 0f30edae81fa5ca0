package newsagg.http;

import java.net.InetAddress;

/**
 * A block of IPv4 or IPv6 addresses, {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a block of
 * one. IPv4 is read strictly (four decimal parts of 0 to 255), so {@code 127.1} or {@code 0x7f.0.0.1} is refused
 * rather than read the way some parsers read it. An IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) is the IPv4
 * address, as Java reads it.
 */
record Cidr(byte[] network, int prefix) {

    /** {@code text} as a block, or an {@link IllegalArgumentException} saying why not. */
    static Cidr parse(String text) {
        String value = text.strip();
        int slash = value.indexOf('/');
        String address = slash < 0 ? value : value.substring(0, slash);
        InetAddress parsed = ClientAddress.literal(address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address);
        if (parsed == null) {
            throw new IllegalArgumentException("'" + value + "' is not an IP address or CIDR block");
        }
        byte[] bytes = parsed.getAddress();
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String length = value.substring(slash + 1);
            if (!length.matches("[0-9]{1,3}") || Integer.parseInt(length) > bits) {
                throw new IllegalArgumentException("'" + value + "' has a prefix length outside 0 to " + bits);
            }
            prefix = Integer.parseInt(length);
        }
        return new Cidr(mask(bytes, prefix), prefix);
    }

    boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.length && java.util.Arrays.equals(mask(bytes, prefix), network);
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xff << (8 - keep)));
        }
        return out;
    }

    /** Four decimal parts of 0 to 255 without leading zeros, or null. */
    static byte[] dottedQuad(String value) {
        String[] parts = value.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String part = parts[i];
            if (!part.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(part) > 255) {
                return null;
            }
            bytes[i] = (byte) Integer.parseInt(part);
        }
        return bytes;
    }
}
