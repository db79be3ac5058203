using System.Text;

namespace Madoguchi.Tests.Receiving.Parsing;

/// <summary>Writes a minimal TNEF stream (winmail.dat) holding the given files, as Outlook does.</summary>
internal static class TnefBuilder
{
    private const int LevelMessage = 1;
    private const int LevelAttachment = 2;

    public static byte[] Build(int codePage, params (byte[] Title, byte[] Data)[] files)
    {
        using var output = new MemoryStream();
        using var writer = new BinaryWriter(output, Encoding.ASCII, leaveOpen: true);
        writer.Write(0x223E9F78u);
        writer.Write((ushort)0x0001);
        Attribute(writer, LevelMessage, 0x00089006u, BitConverter.GetBytes(0x00010000u)); // attTnefVersion
        Attribute(writer, LevelMessage, 0x00069007u, [.. BitConverter.GetBytes((uint)codePage), .. BitConverter.GetBytes(0u)]); // attOemCodepage
        foreach (var (title, data) in files)
        {
            Attribute(writer, LevelAttachment, 0x00069002u, new byte[14]); // attAttachRenddata starts an attachment
            Attribute(writer, LevelAttachment, 0x00018010u, [.. title, 0]); // attAttachTitle
            Attribute(writer, LevelAttachment, 0x0006800Fu, data); // attAttachData
        }

        writer.Flush();
        return output.ToArray();
    }

    private static void Attribute(BinaryWriter writer, int level, uint id, byte[] data)
    {
        writer.Write((byte)level);
        writer.Write(id);
        writer.Write((uint)data.Length);
        writer.Write(data);
        writer.Write((ushort)data.Sum(b => b));
    }
}
