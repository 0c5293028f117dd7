from evals.runner import main

raise SystemExit(main())
