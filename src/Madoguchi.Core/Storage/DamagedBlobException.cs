namespace Madoguchi.Core.Storage;

/// <summary>A blob that a row points at is missing, or its file is not the bytes that were stored (truncated, empty,
/// other content). The message is a plain sentence fit for 受信設定 and the API.</summary>
public sealed class DamagedBlobException(string hash, BlobCondition condition)
    : IOException(Describe(condition) + $" (blob {hash[..12]}…)")
{
    public string Hash { get; } = hash;

    public BlobCondition Condition { get; } = condition;

    public static string Describe(BlobCondition condition) => condition switch
    {
        BlobCondition.Missing => "The original's file is missing from storage.",
        BlobCondition.WrongSize => "The original's file in storage is damaged: its size is wrong (truncated or empty).",
        BlobCondition.WrongContent => "The original's file in storage is damaged: its content does not match what was stored.",
        _ => "The original's file in storage is intact.",
    };
}
