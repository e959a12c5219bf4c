"""The issuing pipeline: evaluate, reserve the credential row, render, sign, store, mark issued."""
