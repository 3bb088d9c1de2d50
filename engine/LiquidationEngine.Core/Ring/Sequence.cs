using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LiquidationEngine.Ring;

/// <summary>
/// A 64-bit sequence counter (a producer cursor or a consumer's progress) that sits alone on its cache line.
/// </summary>
/// <remarks>
/// <para>Sequences only move forward, except through <see cref="SetValue"/> by their single owner
/// (for instance when a consumer is registered at the current cursor).</para>
/// <para>Reads are acquire (<see cref="Volatile.Read(ref readonly long)"/>); <see cref="SetValue"/> is a release write,
/// so anything written before it (the event in the slot) is visible to a thread that reads the new value.</para>
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 120)]
public sealed class Sequence
{
    /// <summary>The value of a sequence that has seen nothing yet: the first event is sequence 0.</summary>
    public const long InitialValue = -1;

    // padding: 56 bytes on either side of _value, so whatever the object's alignment no other
    // field (of this or a neighbouring object) shares its 64-byte cache line.
    [FieldOffset(56)]
    private long _value;

    /// <summary>Creates a sequence at <see cref="InitialValue"/> (-1).</summary>
    public Sequence()
        : this(InitialValue)
    {
    }

    /// <summary>Creates a sequence at the given value.</summary>
    /// <param name="initialValue">The starting value.</param>
    public Sequence(long initialValue) => _value = initialValue;

    /// <summary>The current value (acquire read).</summary>
    public long Value
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _value);
    }

    /// <summary>Sets the value with release semantics: earlier writes become visible before the new value.</summary>
    /// <param name="value">The new value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetValue(long value) => Volatile.Write(ref _value, value);

    /// <summary>Sets the value with a full fence: neither earlier nor later reads and writes move across it.</summary>
    /// <param name="value">The new value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetValueVolatile(long value) => Interlocked.Exchange(ref _value, value);

    /// <summary>Atomically sets the value to <paramref name="newValue"/> if it currently equals <paramref name="expectedValue"/>.</summary>
    /// <param name="expectedValue">The value the caller last saw.</param>
    /// <param name="newValue">The value to store.</param>
    /// <returns><see langword="true"/> if the value was swapped.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool CompareAndSet(long expectedValue, long newValue)
        => Interlocked.CompareExchange(ref _value, newValue, expectedValue) == expectedValue;

    /// <summary>Atomically adds one.</summary>
    /// <returns>The incremented value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long IncrementAndGet() => Interlocked.Increment(ref _value);

    /// <summary>Atomically adds <paramref name="increment"/>.</summary>
    /// <param name="increment">The amount to add.</param>
    /// <returns>The new value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long AddAndGet(long increment) => Interlocked.Add(ref _value, increment);

    /// <inheritdoc/>
    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The smallest value among <paramref name="sequences"/>, or <paramref name="minimum"/> if it is smaller (or there are none).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long Minimum(Sequence[] sequences, long minimum)
    {
        Debug.Assert(sequences is not null);
        for (int i = 0; i < sequences.Length; i++)
        {
            long value = sequences[i].Value;
            if (value < minimum)
            {
                minimum = value;
            }
        }

        return minimum;
    }
}
