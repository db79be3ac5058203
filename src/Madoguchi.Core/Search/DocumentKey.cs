using System.Buffers.Binary;

namespace Madoguchi.Core.Search;

/// <summary>The number a message's search document goes by in every posting: the millisecond of the message id (a
/// version-7 id starts with it) above 20 of the id's random bits, so documents written later get larger keys. Postings
/// are kept in (gram, key) order, so a batch of new documents adds to the end of each gram's run instead of to pages all
/// over the index: at 95,000 documents on SQLite a batch of 500 wrote 35 MB to the log in 0.9 s with these keys, 440 MB
/// in 6.3 s with random ones (bench/README, "Search postings and the order of document keys").</summary>
public static class DocumentKey
{
    public static long For(Guid messageId)
    {
        Span<byte> bytes = stackalloc byte[16];
        messageId.TryWriteBytes(bytes, bigEndian: true, out _);
        var millisecond = BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16;
        var random = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]) & 0xF_FFFF;
        // Above the 20 random bits, 43 bits hold the millisecond below the sign bit until the year 2248; an id that is not
        // version 7 still gets a valid key, only not an ordered one.
        return (long)((millisecond << 20) | random) & long.MaxValue;
    }
}
