"""pyqtgraph charts of the dashboard (imported when the dashboard first draws its charts)."""
