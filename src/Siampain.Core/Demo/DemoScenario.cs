using Siampain.Attendance;
using Siampain.Masking;

namespace Siampain.Demo;

/// <summary>What a person does in the demo's class, which fixes the attendance record they should end up with.</summary>
public enum DemoRole
{
    /// <summary>Arrives before the grace period ends.</summary>
    Present,

    /// <summary>Arrives after the grace period.</summary>
    Late,

    /// <summary>Arrives on time, walks out later and does not come back before the end.</summary>
    LeftEarly,

    /// <summary>Arrives on time, walks out, comes back.</summary>
    ExitAndReturn,

    /// <summary>On the roster, enrolled, never comes.</summary>
    Absent,

    /// <summary>Enrolled but not on this course's roster.</summary>
    NotOnRoster,

    /// <summary>Not enrolled at all.</summary>
    Stranger,
}

/// <summary>How one walk-up looks on camera: everything that makes it differ from the enrolment photo.</summary>
/// <param name="Mirrored">Seen mirror-wise (the other side of the face towards the light, hair parted the other way).</param>
/// <param name="RollDegrees">Head tilt.</param>
/// <param name="Turn">Perspective as from a small head turn: the share by which one side of the face looks larger than the other.</param>
/// <param name="Light">Brightness gain (below 1 a darker corridor, above 1 sunlight).</param>
/// <param name="Warmth">Colour cast: positive is warmer (more red, less blue).</param>
/// <param name="Blur">Defocus or motion blur, in frame pixels.</param>
/// <param name="Mask">The mask the person wears, or null.</param>
/// <param name="FromLeft">Walks in from the frame's left side (else from the right).</param>
public readonly record struct PassageLook(bool Mirrored, float RollDegrees, float Turn, float Light, float Warmth, float Blur, SyntheticMaskStyle? Mask, bool FromLeft);

/// <summary>One walk-up to the door: who, when (simulated time of the first frame), which view, how it looks.</summary>
public sealed record DemoPassage(int Index, DemoPerson Person, DemoRole Role, DateTimeOffset At, DemoView View, PassageLook Look);

/// <summary>What the demo should build: how many people in which roles, and when the class is.</summary>
public sealed class DemoScenarioOptions
{
    public const int DefaultStrangers = 3;

    /// <summary>People enrolled (at least 6, for one of each role); null = all but the strangers.</summary>
    public int? Enrolled { get; set; }

    /// <summary>People walking up who are not enrolled (at least 1).</summary>
    public int Strangers { get; set; } = DefaultStrangers;

    /// <summary>The day of the class; its schedule slot is on this weekday.</summary>
    public DateOnly Date { get; set; } = new(2026, 11, 23);

    /// <summary>Varies poses, light and masks; the same seed builds the same scenario.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Share of walk-ups with a painted mask.</summary>
    public double MaskedShare { get; set; } = 0.3;
}

/// <summary>
/// The demo's class: the people enrolled, one course with a roster and a schedule, the walk-ups the camera sees on a
/// simulated clock, and the attendance table that must come out (the ground truth). The session opens before the clip
/// starts; arrivals are spread so that some are late; one person is absent, one leaves early, one leaves and returns,
/// one is enrolled but not on the roster, and strangers walk up too.
/// </summary>
public sealed class DemoScenario
{
    public const string CourseId = "demo-101";

    /// <summary>Arrivals and departures are this far apart at least: more than the recorder's gaps (one passage, one unknown).</summary>
    public static readonly TimeSpan MinStep = TimeSpan.FromSeconds(AttendanceOptions.DefaultMinimumGapSeconds + 15);

    // Looks tried on a walk-up before it gets the plain one: the front detector misses many masked faces.
    private const int LookAttempts = 8;

    private static readonly PassageLook Plain = new(false, 0, 0, 1, 0, 0, null, true);

    private static readonly TimeOnly StartOfClass = new(9, 0);
    private static readonly TimeSpan LateGrace = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan FirstArrival = TimeSpan.FromMinutes(-14);

    private DemoScenario(
        IReadOnlyList<DemoPerson> enrolled,
        IReadOnlyList<DemoPerson> strangers,
        IReadOnlyDictionary<string, DemoRole> roles,
        Course course,
        DateTimeOffset sessionStart,
        DateTimeOffset sessionEnd,
        IReadOnlyList<DemoPassage> passages)
    {
        Enrolled = enrolled;
        Strangers = strangers;
        Roles = roles;
        Course = course;
        SessionStart = sessionStart;
        SessionEnd = sessionEnd;
        Passages = passages;
    }

    public IReadOnlyList<DemoPerson> Enrolled { get; }

    public IReadOnlyList<DemoPerson> Strangers { get; }

    /// <summary>Every enrolled person's and stranger's role, by person id.</summary>
    public IReadOnlyDictionary<string, DemoRole> Roles { get; }

    public Course Course { get; }

    public DateTimeOffset SessionStart { get; }

    public DateTimeOffset SessionEnd { get; }

    /// <summary>In time order.</summary>
    public IReadOnlyList<DemoPassage> Passages { get; }

    /// <summary>When the clip's first frame is captured: half a minute before the first walk-up, after the session opened.</summary>
    public DateTimeOffset ClipStart => Passages[0].At - TimeSpan.FromSeconds(30);

    public string SessionId => Session.MakeId(CourseId, DateOnly.FromDateTime(SessionStart.UtcDateTime), TimeOnly.FromDateTime(SessionStart.UtcDateTime));

    /// <summary>The records each enrolled person must end up with in the session, in order (the ground truth).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<AttendanceStatus>> Expected =>
        Enrolled.ToDictionary(p => p.Id, p => ExpectedFor(Roles[p.Id]), StringComparer.Ordinal);

    /// <summary>"unknown" records the strangers must cause: one each, since they come more than the unknown gap apart.</summary>
    public int ExpectedUnknown => Strangers.Count;

    public static IReadOnlyList<AttendanceStatus> ExpectedFor(DemoRole role) => role switch
    {
        DemoRole.Present => [AttendanceStatus.Present],
        DemoRole.Late => [AttendanceStatus.Late],
        DemoRole.LeftEarly => [AttendanceStatus.Present, AttendanceStatus.Exit, AttendanceStatus.LeftEarly],
        DemoRole.ExitAndReturn => [AttendanceStatus.Present, AttendanceStatus.Exit, AttendanceStatus.Returned],
        DemoRole.Absent => [AttendanceStatus.Absent],
        DemoRole.NotOnRoster => [AttendanceStatus.NotOnRoster],
        _ => [],
    };

    /// <param name="visible">
    /// Whether the terminal would get usable frames of a walk-up (its detector finds the face and the quality gate
    /// passes it). People it cannot see even head-on are left out; walk-ups it would miss get another look, in the
    /// end the plain one. The ground truth must be about what a camera could show: a face never seen is never recorded.
    /// </param>
    /// <exception cref="ArgumentException">Too few people for one of each role, or a person the door would need to see has no door view.</exception>
    public static DemoScenario Build(IReadOnlyList<DemoPerson> people, DemoScenarioOptions options, Func<DemoPassage, bool>? visible = null)
    {
        ArgumentNullException.ThrowIfNull(people);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Strangers < 1)
        {
            throw new ArgumentException("The demo needs at least one stranger.", nameof(options));
        }

        // The absent person is never seen, so someone the door cannot see (if any) takes that role.
        var seen = people.Where(p => p.DoorViews.Count > 0 && (visible is null || visible(new DemoPassage(0, p, DemoRole.Present, default, p.DoorViews[0], Plain)))).ToList();
        var unseen = people.Except(seen).ToList();
        var enrolledCount = options.Enrolled ?? (seen.Count + Math.Min(1, unseen.Count) - options.Strangers);
        if (enrolledCount < 6 || seen.Count < enrolledCount - 1 + options.Strangers)
        {
            throw new ArgumentException(
                $"The demo needs 6 or more enrolled people and {options.Strangers} stranger(s), all but one with a photo the door camera can see; " +
                $"it has {people.Count} people, {seen.Count} of them with such photos.", nameof(people));
        }

        var absent = unseen.Count > 0 ? unseen[0] : seen[^1];
        seen.Remove(absent);
        var strangers = seen.Skip(enrolledCount - 1).Take(options.Strangers).ToList();
        var walking = seen.Take(enrolledCount - 1).ToList();
        var roles = new Dictionary<string, DemoRole>(StringComparer.Ordinal) { [absent.Id] = DemoRole.Absent };
        DemoRole[] fixedRoles = [DemoRole.LeftEarly, DemoRole.ExitAndReturn, DemoRole.NotOnRoster, DemoRole.Late];
        for (var i = 0; i < walking.Count; i++)
        {
            // Beyond the fixed roles, every fourth person is late as well: a bigger class has more than one latecomer.
            roles[walking[i].Id] = i < fixedRoles.Length ? fixedRoles[i] : (i - fixedRoles.Length) % 4 == 3 ? DemoRole.Late : DemoRole.Present;
        }

        foreach (var stranger in strangers)
        {
            roles[stranger.Id] = DemoRole.Stranger;
        }

        var start = new DateTimeOffset(options.Date.ToDateTime(StartOfClass), TimeSpan.Zero);
        var plan = Plan(walking, strangers, roles, start);
        var end = RoundUp(plan[^1].At + TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5));
        var enrolled = (List<DemoPerson>)[.. walking, absent];
        var course = new Course
        {
            Id = CourseId,
            Name = "Demo class",
            Schedule = [new ScheduleSlot { Day = options.Date.DayOfWeek, Start = StartOfClass, End = TimeOnly.FromDateTime(end.UtcDateTime), Room = "" }],
            Roster = [.. enrolled.Where(p => roles[p.Id] != DemoRole.NotOnRoster).Select(p => p.Id)],
            LateGraceMinutes = (int)LateGrace.TotalMinutes,
        };

        var random = new Random(options.Seed);
        var passages = plan.Select((step, i) => Visible(new DemoPassage(i, step.Person, roles[step.Person.Id], step.At,
            step.Person.DoorViews[Math.Min(step.Visit, step.Person.DoorViews.Count - 1)], Look(random, options.MaskedShare)), random, options.MaskedShare, visible)).ToList();
        return new DemoScenario(enrolled, strangers, roles, course, start, end, passages);
    }

    /// <summary>
    /// Who walks up when: on-time arrivals (with a stranger among them) from fourteen minutes before the start, late ones
    /// after the grace period, then the departures and the return.
    /// </summary>
    private static List<(DemoPerson Person, DateTimeOffset At, int Visit)> Plan(
        List<DemoPerson> walking, List<DemoPerson> strangers, Dictionary<string, DemoRole> roles, DateTimeOffset start)
    {
        var onTime = walking.Where(p => roles[p.Id] is not DemoRole.Late).ToList();
        onTime.Insert(Math.Min(2, onTime.Count), strangers[0]);
        var late = walking.Where(p => roles[p.Id] is DemoRole.Late).Concat(strangers.Skip(1)).ToList();

        // On-time arrivals must all fit before the grace period ends.
        var window = LateGrace - TimeSpan.FromMinutes(1) - FirstArrival;
        var step = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(80).Ticks, window.Ticks / onTime.Count));
        if (step < MinStep)
        {
            throw new ArgumentException($"{onTime.Count} on-time arrivals do not fit in the grace period {MinStep.TotalSeconds} s apart; use fewer people.");
        }

        var plan = new List<(DemoPerson, DateTimeOffset, int)>();
        var at = start + FirstArrival;
        foreach (var person in onTime)
        {
            plan.Add((person, at, 0));
            at += step;
        }

        at = start + LateGrace + TimeSpan.FromMinutes(2);
        foreach (var person in late)
        {
            plan.Add((person, at, 0));
            at += MinStep;
        }

        at += TimeSpan.FromMinutes(1);
        var leaver = walking.First(p => roles[p.Id] == DemoRole.LeftEarly);
        var returner = walking.First(p => roles[p.Id] == DemoRole.ExitAndReturn);
        plan.Add((leaver, at, 1));
        plan.Add((returner, at + TimeSpan.FromMinutes(2), 1));
        plan.Add((returner, at + TimeSpan.FromMinutes(6), 2));
        return plan;
    }

    /// <summary>The walk-up as drawn if the detector sees it; else other looks, and in the end the plain one.</summary>
    private static DemoPassage Visible(DemoPassage passage, Random random, double maskedShare, Func<DemoPassage, bool>? visible)
    {
        if (visible is null)
        {
            return passage;
        }

        for (var attempt = 0; attempt < LookAttempts; attempt++)
        {
            if (visible(passage))
            {
                return passage;
            }

            passage = passage with { Look = Look(random, maskedShare) };
        }

        return passage with { Look = Plain };
    }

    private static PassageLook Look(Random random, double maskedShare)
    {
        float Between(float low, float high) => low + ((high - low) * random.NextSingle());
        var mirrored = random.Next(2) == 0;
        var roll = Between(-7, 7);
        var turn = Between(-0.12f, 0.12f);
        var light = Between(0.7f, 1.25f);
        var warmth = Between(-0.08f, 0.08f);
        var blur = Between(0, 0.9f);
        var masked = random.NextDouble() < maskedShare;
        var mask = SyntheticMaskStyle.FromSeed(random.Next());
        return new PassageLook(mirrored, roll, turn, light, warmth, blur, masked ? mask : null, random.Next(2) == 0);
    }

    private static DateTimeOffset RoundUp(DateTimeOffset time, TimeSpan unit) => new(((time.UtcTicks + unit.Ticks - 1) / unit.Ticks) * unit.Ticks, TimeSpan.Zero);
}
