package demo

import "time"

// The demo's story, as data. Measures describe a curve rather than a list
// of numbers so the data always ends at the current period, whenever the
// demo is loaded.

// scorecardSpec is a scorecard and the containers placed on it.
type scorecardSpec struct {
	title, description string
	child              bool // sits under the first scorecard
	containers         []containerSpec
}

// containerSpec is a result or program with its measures. links names
// containers (by key) that are linked under it after everything exists,
// to show sharing.
type containerSpec struct {
	key, typ                 string
	title, description, tags string
	measures                 []measureSpec
	links                    []string
}

// measureSpec is a measure and the curve of its data: actuals go from
// `from` to `to` over `periods` periods ending now, with noise. Targets
// are set per year, as organizations set them: targets lists them oldest
// first, the last one for the current year; earlier years take the first.
// bumps and comments are keyed by periods ago (0 is the current period).
type measureSpec struct {
	typ                      string
	title, description, tags string
	unit                     string
	unitBefore               bool
	decimals                 int
	polarity                 string
	frequency                string // built-in frequency kind
	category                 string
	source                   string

	periods         int
	from, to, noise float64
	targets         []float64
	bumps           map[int]float64
	seasonal        map[time.Month]float64
	comments        map[int]string
	baselineAgo     int // > 0: the baseline is that many periods ago
}

const (
	result      = "Result"
	program     = "Program"
	indicator   = "Indicator"
	performance = "Performance Measure"
)

var story = []scorecardSpec{
	{
		title: "Riverside Community Scorecard",
		description: "How Riverside's children, young people and families are doing. The population results the " +
			"Riverside Children's Alliance partners agreed on, the indicators that tell us whether we are getting " +
			"there, and the programs that contribute.",
		containers: []containerSpec{
			{
				key: "ready", typ: result,
				title:       "All children are ready for kindergarten",
				description: "Every child in Riverside starts kindergarten healthy, curious and ready to learn.",
				tags:        "early childhood, education",
				links:       []string{"home-visiting"},
				measures: []measureSpec{
					{
						typ: indicator, title: "% of children ready for kindergarten (DRDP)",
						description: "Share of incoming kindergartners rated ready in all five domains of the Desired " +
							"Results Developmental Profile (DRDP), assessed each fall.",
						tags: "early childhood, school readiness", unit: "%", decimals: 1, polarity: "higher",
						frequency: "Annual", source: "Riverside Unified School District, fall DRDP assessment",
						periods: 5, from: 54.0, to: 61.5, noise: 0.8, targets: []float64{58, 60, 62, 64, 66},
						comments: map[int]string{4: "First year of the countywide DRDP rollout; earlier years are not comparable."},
					},
					{
						typ: indicator, title: "% of 3- and 4-year-olds enrolled in preschool",
						description: "Share of Riverside children aged 3 and 4 enrolled in a licensed preschool or Head Start.",
						tags:        "early childhood", unit: "%", decimals: 1, polarity: "higher",
						frequency: "Annual", source: "American Community Survey 5-year estimates, table S1401",
						periods: 5, from: 47.5, to: 56.8, noise: 0.7, targets: []float64{50, 52, 54, 56, 58},
						comments: map[int]string{2: "Two new state preschool classrooms opened at Lincoln and Oak Park."},
					},
				},
			},
			{
				key: "stable", typ: result,
				title:       "Families are economically stable",
				description: "Riverside families earn enough to meet their basic needs and weather a setback.",
				tags:        "economic stability",
				links:       []string{"family-resource-center", "home-visiting"},
				measures: []measureSpec{
					{
						typ: indicator, title: "Child poverty rate",
						description: "Share of children under 18 living in households below the federal poverty level.",
						tags:        "economic stability, poverty", unit: "%", decimals: 1, polarity: "lower",
						frequency: "Annual", source: "American Community Survey 1-year estimates, table S1701",
						periods: 5, from: 20.8, to: 17.6, noise: 0.4, targets: []float64{20, 19.5, 19, 18, 17.5},
						bumps:    map[int]float64{3: 2.0},
						comments: map[int]string{3: "The expanded Child Tax Credit ended; child poverty rose again."},
					},
					{
						typ: indicator, title: "Unemployment rate",
						description: "Share of Riverside residents in the labour force who are out of work and looking for a job.",
						tags:        "economic stability, jobs", unit: "%", decimals: 1, polarity: "lower",
						frequency: "Quarterly", source: "State Employment Development Department, local area unemployment statistics",
						periods: 20, from: 7.2, to: 4.6, noise: 0.2, targets: []float64{6.5, 6, 5.5, 5.5, 5, 4.5},
						bumps:    map[int]float64{9: 1.1, 8: 0.7},
						comments: map[int]string{9: "The Riverside cannery closed: about 400 jobs lost."},
					},
				},
			},
			{
				key: "graduate", typ: result,
				title:       "Young people graduate high school",
				description: "Every young person in Riverside finishes high school ready for college, training or work.",
				tags:        "education, youth",
				measures: []measureSpec{
					{
						typ: indicator, title: "High school graduation rate",
						description: "Four-year adjusted cohort graduation rate of Riverside's public high schools.",
						tags:        "education, youth", unit: "%", decimals: 1, polarity: "higher",
						frequency: "Annual", source: "State Department of Education, adjusted cohort graduation rate",
						periods: 5, from: 81.2, to: 86.4, noise: 0.6, targets: []float64{85, 86, 87, 88, 90},
					},
					{
						typ: indicator, title: "% of students chronically absent",
						description: "Share of K–12 students who missed 10% or more of school days, for any reason.",
						tags:        "education, attendance", unit: "%", decimals: 1, polarity: "lower",
						frequency: "Annual", source: "Riverside Unified School District, attendance records",
						periods: 5, from: 26.5, to: 18.9, noise: 0.5, targets: []float64{20, 19, 18, 16, 15},
						bumps:    map[int]float64{4: 2.0},
						comments: map[int]string{4: "Peak after the return to in-person school."},
					},
				},
			},
		},
	},
	{
		title: "Home Visiting Program",
		description: "Program performance of the Home Visiting Program and the Family Resource Center it refers " +
			"families to: how much we do, how well we do it, and whether anyone is better off.",
		child: true,
		containers: []containerSpec{
			{
				key: "home-visiting", typ: program,
				title: "Home Visiting",
				description: "Nurses and family coaches visit expectant parents and families with children under " +
					"three at home, weekly to monthly, for up to three years.",
				tags: "early childhood, family support",
				measures: []measureSpec{
					{
						typ: performance, title: "# of families served",
						description: "Families with at least one completed home visit in the month.",
						tags:        "family support", decimals: 0, polarity: "higher", frequency: "Monthly",
						category: "how_much", source: "Home visiting case management system, monthly active caseload",
						periods: 36, from: 84, to: 118, noise: 3, targets: []float64{90, 100, 110, 120},
						bumps:    map[int]float64{14: -12, 13: -8},
						comments: map[int]string{14: "Two home visitors on leave; 23 families on the waitlist."},
					},
					{
						typ: performance, title: "% of visits completed on schedule",
						description: "Scheduled home visits that took place within the week they were due.",
						tags:        "family support, quality", unit: "%", decimals: 1, polarity: "higher", frequency: "Monthly",
						category: "how_well", source: "Visit logs in the case management system",
						periods: 36, from: 76, to: 89, noise: 1.5, targets: []float64{85, 87, 88, 90},
						bumps:       map[int]float64{14: -5},
						baselineAgo: 24,
						comments: map[int]string{
							24: "Scheduling app and reminder texts introduced; baseline set here.",
							14: "Two home visitors on leave; visits rescheduled.",
						},
					},
					{
						typ: performance, title: "Average caseload per home visitor",
						description: "Families per full-time home visitor. The model's standard is 15: far fewer leaves " +
							"families waiting, far more cuts the quality of visits.",
						tags: "staffing, quality", unit: "families", decimals: 1, polarity: "range", frequency: "Monthly",
						category: "how_well", source: "Staffing roster and case management system",
						periods: 36, from: 13.6, to: 15.1, noise: 0.4, targets: []float64{15},
						bumps:    map[int]float64{14: 3.2, 13: 2.4},
						comments: map[int]string{14: "Caseloads spiked while two visitors were on leave."},
					},
					{
						typ: performance, title: "% of parents reporting less stress",
						description: "Parents whose Parenting Stress Index score fell between intake and their six-month review.",
						tags:        "family support, wellbeing", unit: "%", decimals: 0, polarity: "higher", frequency: "Quarterly",
						category: "better_off", source: "Parenting Stress Index (short form), at intake and every six months",
						periods: 12, from: 52, to: 68, noise: 2, targets: []float64{60, 62, 65, 70},
						comments: map[int]string{5: "A mental health consultant joined the team."},
					},
				},
			},
			{
				key: "family-resource-center", typ: program,
				title: "Family Resource Center",
				description: "A drop-in center offering benefits enrollment, free tax preparation, parenting classes " +
					"and referrals, open to every Riverside family.",
				tags: "family support, economic stability",
				measures: []measureSpec{
					{
						typ: performance, title: "# of families receiving services",
						description: "Families with at least one service in the month; peaks in tax season (February to April).",
						tags:        "family support", decimals: 0, polarity: "higher", frequency: "Monthly",
						category: "how_much", source: "Front desk sign-in and services database",
						periods: 36, from: 140, to: 185, noise: 6, targets: []float64{150, 165, 180, 200},
						seasonal: map[time.Month]float64{time.February: 25, time.March: 35, time.April: 20},
					},
					{
						typ: performance, title: "% of families satisfied with services",
						description: "Families answering “satisfied” or “very satisfied” on the quarterly exit survey.",
						tags:        "family support, quality", unit: "%", decimals: 0, polarity: "higher", frequency: "Quarterly",
						category: "how_well", source: "Quarterly family exit survey",
						periods: 12, from: 88, to: 93, noise: 1.2, targets: []float64{90},
					},
					{
						typ: performance, title: "% of families with increased income after 6 months",
						description: "Families whose household income, including benefits and tax credits, rose within " +
							"six months of their first visit.",
						tags: "economic stability", unit: "%", decimals: 1, polarity: "higher", frequency: "Quarterly",
						category: "better_off", source: "Six-month follow-up calls",
						periods: 12, from: 27, to: 36.5, noise: 1.5, targets: []float64{35, 36, 38, 40},
						comments: map[int]string{3: "Started job placement with the county workforce board."},
					},
				},
			},
		},
	},
}
