using LiquidationEngine.Contracts;

namespace LiquidationEngine.Persistence;

/// <summary>One journaled input.</summary>
/// <param name="Sequence">Its ring sequence.</param>
/// <param name="Command">The input as it entered the ring.</param>
public readonly record struct JournalEntry(long Sequence, EngineCommand Command);

/// <summary>A segment file found in a journal directory.</summary>
/// <param name="Path">Full path.</param>
/// <param name="Header">Its header.</param>
public readonly record struct JournalSegment(string Path, JournalSegmentHeader Header);

/// <summary>What a journal read found: the range of records and any torn tail it cut off.</summary>
public sealed class JournalScan
{
    /// <summary>Sequence of the first record read (after the skip point), or -1.</summary>
    public long FirstSequence { get; internal set; } = -1;

    /// <summary>Sequence of the last valid record in the journal, or -1 when it holds none.</summary>
    public long LastSequence { get; internal set; } = -1;

    /// <summary>Valid records read (after the skip point).</summary>
    public long Records { get; internal set; }

    /// <summary>Bytes of a torn tail that were cut off (or would be, without repair).</summary>
    public long TornBytes { get; internal set; }

    /// <summary>The segment whose torn tail was found, if any.</summary>
    public string? TornSegment { get; internal set; }

    /// <summary>The header of the first segment, if any (engine capacities for a replay).</summary>
    public JournalSegmentHeader? FirstHeader { get; internal set; }
}

/// <summary>Reads a journal directory in sequence order, checking every record's CRC and the sequence chain.</summary>
/// <remarks>A partial record at the end of the <b>last</b> segment (or zeros only after its last good record) is a torn
/// tail from a crash mid-write: it is reported and, with repair, cut off (the cut bytes are kept aside). Anything else
/// — a bad header, a whole record that fails its CRC, a gap or repeat in the sequence chain — is damage and throws
/// <see cref="JournalDamageException"/> naming the file and offset; <see cref="JournalRepair"/> moves it aside on
/// request.</remarks>
public static class JournalReader
{
    /// <summary>The segments of a journal directory, ordered by first sequence.</summary>
    /// <remarks>A last segment no longer than a header whose header is bad is a crash while creating it (it holds no
    /// record): it is left out, and with <paramref name="repair"/> moved aside, so the writer can create it again.
    /// Any other bad header is damage.</remarks>
    /// <exception cref="JournalDamageException">A segment header is damaged.</exception>
    public static IReadOnlyList<JournalSegment> Segments(string directory, bool repair = false)
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        string[] files = Directory.GetFiles(directory, "journal-*.lqj");
        Array.Sort(files, StringComparer.Ordinal);
        var segments = new List<JournalSegment>(files.Length);
        Span<byte> header = stackalloc byte[JournalSegmentHeader.Size];
        for (int i = 0; i < files.Length; i++)
        {
            long length;
            using (var f = new FileStream(files[i], FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                length = f.Length;
                int got = f.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
                if (JournalSegmentHeader.TryRead(header[..got], out JournalSegmentHeader h))
                {
                    segments.Add(new JournalSegment(files[i], h));
                    continue;
                }
            }

            if (i != files.Length - 1 || length > JournalSegmentHeader.Size)
            {
                throw new JournalDamageException(files[i], 0, i != files.Length - 1 ? "bad segment header in a closed segment" : "bad segment header in a segment that holds records");
            }

            if (repair)
            {
                JournalRepair.MoveAside(files[i], "torn-header");
            }
        }

        return segments;
    }

    /// <summary>
    /// Reads every record with a sequence above <paramref name="afterSequence"/>, in order. With
    /// <paramref name="repair"/>, a torn tail is truncated from the last segment as it is found.
    /// </summary>
    /// <exception cref="JournalDamageException">Damage, not a torn tail (thrown when the reader reaches it).</exception>
    public static IEnumerable<JournalEntry> Read(string directory, long afterSequence, JournalScan scan, bool repair)
    {
        ArgumentNullException.ThrowIfNull(scan);
        IReadOnlyList<JournalSegment> segments = Segments(directory, repair);
        if (segments.Count > 0)
        {
            scan.FirstHeader = segments[0].Header;
        }

        long expected = segments.Count > 0 ? segments[0].Header.FirstSequence : -1;
        byte[] buffer = new byte[JournalRecord.Size * 4096];
        for (int s = 0; s < segments.Count; s++)
        {
            JournalSegment segment = segments[s];
            bool last = s == segments.Count - 1;
            if (segment.Header.FirstSequence != expected)
            {
                throw new JournalDamageException(segment.Path, 0, $"segment starts at sequence {segment.Header.FirstSequence}, expected {expected} (journal gap)");
            }

            // Skip whole segments that end before the skip point.
            if (!last && segments[s + 1].Header.FirstSequence <= afterSequence + 1)
            {
                expected = segments[s + 1].Header.FirstSequence;
                scan.LastSequence = expected - 1;
                continue;
            }

            long tornAt = -1;
            using (var f = new FileStream(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16))
            {
                long position = segment.Header.RecordsStart;
                f.Position = position;
                long length = f.Length;
                while (position < length)
                {
                    int want = (int)Math.Min(buffer.Length, length - position);
                    int got = f.ReadAtLeast(buffer.AsSpan(0, want), want, throwOnEndOfStream: false);
                    int at = 0;
                    while (at + JournalRecord.Size <= got)
                    {
                        if (!JournalRecord.TryRead(buffer.AsSpan(at, JournalRecord.Size), out EngineCommand c, out long sequence))
                        {
                            tornAt = position + at;
                            break;
                        }

                        // Gaps are queries, which are not journaled; a repeat or a step back is damage.
                        if (sequence < expected || (segment.Header.FormatVersion == 1 && sequence != expected))
                        {
                            throw new JournalDamageException(segment.Path, position + at, $"record has sequence {sequence}, expected {expected}{(segment.Header.FormatVersion == 1 ? string.Empty : " or later")}");
                        }

                        expected = sequence + 1;
                        scan.LastSequence = sequence;
                        if (sequence > afterSequence)
                        {
                            if (scan.FirstSequence < 0)
                            {
                                scan.FirstSequence = sequence;
                            }

                            scan.Records++;
                            yield return new JournalEntry(sequence, c);
                        }

                        at += JournalRecord.Size;
                    }

                    if (tornAt >= 0)
                    {
                        break;
                    }

                    if (at < got)
                    {
                        // A partial record at the very end of the file.
                        if (position + got == length)
                        {
                            tornAt = position + at;
                            break;
                        }
                    }

                    position += at;
                    f.Position = position;
                }

                if (tornAt >= 0)
                {
                    if (!last)
                    {
                        throw new JournalDamageException(segment.Path, tornAt, "bad record (length or CRC32C) in a closed segment");
                    }

                    if (!IsTornTail(f, tornAt))
                    {
                        throw new JournalDamageException(segment.Path, tornAt, "bad record (length or CRC32C) in a whole record the writer had written; a torn tail is only a partial record or never-written zeros");
                    }

                    scan.TornBytes = length - tornAt;
                    scan.TornSegment = segment.Path;
                }
            }

            if (tornAt >= 0 && repair)
            {
                JournalRepair.CutAside(segment.Path, tornAt, "torn-tail");
            }
        }
    }

    /// <summary>Reads all records into a list (for tools and tests).</summary>
    public static List<JournalEntry> ReadAll(string directory, out JournalScan scan, long afterSequence = -1, bool repair = false)
    {
        scan = new JournalScan();
        return [.. Read(directory, afterSequence, scan, repair)];
    }

    /// <summary>Whether the bytes from <paramref name="tornAt"/> to the end are a torn tail: less than one record (the
    /// write of the last batch was cut short), or zeros only (the file was extended but the data never reached the
    /// disk). A whole record with other content that fails its CRC was written in full: that is damage.</summary>
    private static bool IsTornTail(FileStream f, long tornAt)
    {
        if (f.Length - tornAt < JournalRecord.Size)
        {
            return true;
        }

        byte[] chunk = new byte[1 << 16];
        f.Position = tornAt;
        int got;
        while ((got = f.Read(chunk)) > 0)
        {
            if (chunk.AsSpan(0, got).ContainsAnyExcept((byte)0))
            {
                return false;
            }
        }

        return true;
    }
}
