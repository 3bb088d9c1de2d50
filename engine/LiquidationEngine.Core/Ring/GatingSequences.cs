namespace LiquidationEngine.Ring;

/// <summary>Copy-on-write edits of a sequencer's gating array, so producers read it without a lock.</summary>
/// <remarks>The array a producer holds is never mutated: each edit publishes a new array with a CAS.</remarks>
internal static class GatingSequences
{
    /// <summary>Adds <paramref name="toAdd"/>, each moved up to the cursor if it is behind, so the producer does not
    /// wait for events published before that consumer existed.</summary>
    /// <remarks>Meant for set-up, before the consumers start: a running consumer moved forward would skip events.</remarks>
    public static void Add(ref Sequence[] field, Sequence cursor, Sequence[] toAdd)
    {
        ArgumentNullException.ThrowIfNull(toAdd);
        foreach (Sequence sequence in toAdd)
        {
            ArgumentNullException.ThrowIfNull(sequence, nameof(toAdd));
        }

        Sequence[] current;
        Sequence[] updated;
        do
        {
            current = Volatile.Read(ref field);
            updated = new Sequence[current.Length + toAdd.Length];
            Array.Copy(current, updated, current.Length);
            long cursorValue = cursor.Value;
            for (int i = 0; i < toAdd.Length; i++)
            {
                // Never move a consumer backwards: it may already have seen later events.
                if (toAdd[i].Value < cursorValue)
                {
                    toAdd[i].SetValue(cursorValue);
                }

                updated[current.Length + i] = toAdd[i];
            }
        }
        while (Interlocked.CompareExchange(ref field, updated, current) != current);

        // The producer may have moved on before it saw the new array: catch the newcomers up again.
        long latest = cursor.Value;
        foreach (Sequence sequence in toAdd)
        {
            if (sequence.Value < latest)
            {
                sequence.SetValue(latest);
            }
        }
    }

    /// <summary>Removes every occurrence of <paramref name="sequence"/>; returns whether any was found.</summary>
    public static bool Remove(ref Sequence[] field, Sequence sequence)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        Sequence[] current;
        Sequence[] updated;
        do
        {
            current = Volatile.Read(ref field);
            int matches = 0;
            foreach (Sequence s in current)
            {
                if (ReferenceEquals(s, sequence))
                {
                    matches++;
                }
            }

            if (matches == 0)
            {
                return false;
            }

            updated = new Sequence[current.Length - matches];
            int j = 0;
            foreach (Sequence s in current)
            {
                if (!ReferenceEquals(s, sequence))
                {
                    updated[j++] = s;
                }
            }
        }
        while (Interlocked.CompareExchange(ref field, updated, current) != current);

        return true;
    }
}
