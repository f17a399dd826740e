import sys
from pathlib import Path

# --import-mode=importlib leaves sys.path alone; make the shared helpers importable.
sys.path.insert(0, str(Path(__file__).parent))
