import { ApiProperty } from '@nestjs/swagger';

/**
 * The formats of the answers in the OpenAPI document (the response DTOs are documentation only):
 * amounts are decimal strings, positions decimal strings (they outgrow a JSON number).
 */
export const Amount = (example: string, description?: string) => ApiProperty({ type: String, example, description });

export const POSITION = { type: String, example: '42', description: 'global position of the append; pass as ?minPosition= to read your write' };
