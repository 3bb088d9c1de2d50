using System.IO.Compression;

namespace LiquidationEngine.Feeds;

/// <summary>Makes truncated gzip input detectable.</summary>
/// <remarks>
/// <para><see cref="GZipStream"/> returns end-of-stream, not an error, when compressed data stops early, unless the
/// runtime switch <c>System.IO.Compression.UseStrictValidation</c> is on; then it throws
/// <see cref="InvalidDataException"/> ("Found truncated data while decoding"). The runtime reads that switch once per
/// process, the first time any <see cref="DeflateStream"/> is used, so the feeds library sets it (unless the host set it
/// explicitly) before it opens its first gzip stream, and then checks it took effect by decompressing a cut stream.</para>
/// <para>When it did not (the host turned it off, or something decompressed earlier in the process), readers fall back
/// to comparing the decompressed size with the gzip trailer's ISIZE field, which works for seekable single-member files.</para>
/// </remarks>
internal static class GzipIntegrity
{
    private const string StrictValidationSwitch = "System.IO.Compression.UseStrictValidation";

    /// <summary>True when a <see cref="GZipStream"/> in this process throws on truncated input.</summary>
    public static bool StrictValidationActive { get; } = EnableStrictValidation();

    private static bool EnableStrictValidation()
    {
        if (!AppContext.TryGetSwitch(StrictValidationSwitch, out _))
        {
            AppContext.SetSwitch(StrictValidationSwitch, true);
        }

        return DetectsTruncation();
    }

    /// <summary>Decompresses a gzip stream cut before its trailer and reports whether that failed as it should.</summary>
    private static bool DetectsTruncation()
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write("truncation probe\n"u8);
        }

        byte[] cut = compressed.ToArray()[..^6];
        try
        {
            using var reader = new GZipStream(new MemoryStream(cut), CompressionMode.Decompress);
            reader.CopyTo(Stream.Null);
            return false;
        }
        catch (InvalidDataException)
        {
            return true;
        }
    }
}
