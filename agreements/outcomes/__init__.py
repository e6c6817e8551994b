"""Recording a sectoral meeting's outcomes on one page: the meeting, its agreements and their action lines."""
