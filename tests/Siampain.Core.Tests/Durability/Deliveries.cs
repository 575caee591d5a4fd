using System.Text.Json;
using Siampain.Tests.Messaging;

namespace Siampain.Tests.Durability;

/// <summary>One outbox message as the dashboard received it.</summary>
internal readonly record struct Delivery(long Seq, string EventId);

/// <summary>
/// What a consumer may rely on, checked on what it actually received: every seq arrives; nothing arrives before
/// every lower seq arrived once; a delivery run (the relay restarting from the oldest unacknowledged event) goes up
/// one by one; a seq seen twice is the same event (same event_id), and is one the test allowed to repeat.
/// </summary>
internal static class Deliveries
{
    /// <summary>The attendance events and session summaries among <paramref name="messages"/>, in arrival order.</summary>
    public static List<Delivery> Parse(IEnumerable<ProbeMessage> messages, params string[] topics)
    {
        var deliveries = new List<Delivery>();
        foreach (var message in messages.Where(m => topics.Contains(m.Topic)))
        {
            using var json = JsonDocument.Parse(message.Payload);
            deliveries.Add(new Delivery(json.RootElement.GetProperty("seq").GetInt64(), json.RootElement.GetProperty("event_id").GetString()!));
        }

        return deliveries;
    }

    public static int Distinct(IEnumerable<Delivery> deliveries) => deliveries.Select(d => d.Seq).Distinct().Count();

    /// <param name="lastSeq">The highest seq the terminal assigned; every seq 1..lastSeq must have arrived.</param>
    /// <param name="mayRepeat">Whether delivery number i may repeat the seq it carries; null allows no repeat.</param>
    /// <returns>Everything wrong, empty when the delivery was correct.</returns>
    public static List<string> Problems(IReadOnlyList<Delivery> received, long lastSeq, Func<int, long, bool>? mayRepeat = null)
    {
        var problems = new List<string>();
        var first = new Dictionary<long, string>();
        long highest = 0;
        long previous = 0;
        for (var i = 0; i < received.Count; i++)
        {
            var (seq, eventId) = received[i];
            if (seq > highest + 1)
            {
                problems.Add($"#{i}: seq {seq} arrived before {highest + 1}");
            }
            else if (seq > previous + 1)
            {
                problems.Add($"#{i}: seq {seq} followed {previous} within one delivery run");
            }

            if (first.TryGetValue(seq, out var firstId))
            {
                if (firstId != eventId)
                {
                    problems.Add($"#{i}: seq {seq} reused for another event ({eventId}, first {firstId})");
                }
                else if (mayRepeat is null || !mayRepeat(i, seq))
                {
                    problems.Add($"#{i}: seq {seq} delivered again although it was acknowledged");
                }
            }
            else
            {
                first[seq] = eventId;
            }

            highest = Math.Max(highest, seq);
            previous = seq;
        }

        var missing = Enumerable.Range(1, checked((int)lastSeq)).Where(s => !first.ContainsKey(s)).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"{missing.Count} seq(s) never arrived, first {string.Join(", ", missing.Take(10))}");
        }

        if (highest > lastSeq)
        {
            problems.Add($"seq {highest} arrived but the terminal only assigned up to {lastSeq}");
        }

        return problems;
    }
}
