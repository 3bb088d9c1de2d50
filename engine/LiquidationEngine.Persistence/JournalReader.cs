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
/// <remarks>A record that fails its CRC (or is cut short) in the <b>last</b> segment, with nothing valid after it, is a
/// torn tail from a crash mid-write: it is reported and, with repair, truncated away. Anything else — a bad record in
/// an older segment, a gap or repeat in the sequence chain, valid records after a bad one — is corruption and throws.</remarks>
public static class JournalReader
{
    /// <summary>The segments of a journal directory, ordered by first sequence. A last segment with a torn header is skipped (and deleted on repair).</summary>
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
            using (var f = new FileStream(files[i], FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                if (f.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length
                    && JournalSegmentHeader.TryRead(header, out JournalSegmentHeader h))
                {
                    segments.Add(new JournalSegment(files[i], h));
                    continue;
                }
            }

            if (i != files.Length - 1)
            {
                throw new InvalidDataException($"{files[i]}: bad journal segment header (corrupt journal)");
            }

            // A crash while creating the last segment: it holds no record yet.
            if (repair)
            {
                File.Delete(files[i]);
            }
        }

        return segments;
    }

    /// <summary>
    /// Reads every record with a sequence above <paramref name="afterSequence"/>, in order. With
    /// <paramref name="repair"/>, a torn tail is truncated from the last segment as it is found.
    /// </summary>
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
                throw new InvalidDataException($"{segment.Path}: starts at sequence {segment.Header.FirstSequence}, expected {expected} (journal gap)");
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
                long position = JournalSegmentHeader.Size;
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

                        if (sequence != expected)
                        {
                            throw new InvalidDataException($"{segment.Path}: record at offset {position + at} has sequence {sequence}, expected {expected}");
                        }

                        expected++;
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
                        throw new InvalidDataException($"{segment.Path}: bad record at offset {tornAt} in a closed segment (corrupt journal)");
                    }

                    if (HasValidRecordAfter(f, tornAt))
                    {
                        throw new InvalidDataException($"{segment.Path}: bad record at offset {tornAt} followed by valid records (corrupt journal, not a torn tail)");
                    }

                    scan.TornBytes = length - tornAt;
                    scan.TornSegment = segment.Path;
                }
            }

            if (tornAt >= 0 && repair)
            {
                using var w = new FileStream(segment.Path, FileMode.Open, FileAccess.Write, FileShare.Read);
                w.SetLength(tornAt);
                w.Flush(flushToDisk: true);
            }
        }
    }

    /// <summary>Reads all records into a list (for tools and tests).</summary>
    public static List<JournalEntry> ReadAll(string directory, out JournalScan scan, long afterSequence = -1, bool repair = false)
    {
        scan = new JournalScan();
        return [.. Read(directory, afterSequence, scan, repair)];
    }

    private static bool HasValidRecordAfter(FileStream f, long tornAt)
    {
        byte[] record = new byte[JournalRecord.Size];
        for (long p = tornAt + JournalRecord.Size; p + JournalRecord.Size <= f.Length; p += JournalRecord.Size)
        {
            f.Position = p;
            if (f.ReadAtLeast(record, record.Length, throwOnEndOfStream: false) == record.Length && JournalRecord.TryRead(record, out _, out _))
            {
                return true;
            }
        }

        return false;
    }
}
